// Drag and drop onto the file field, the chosen names, and a size check before sending.
// The page works without this script; it only makes handing over quicker.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("files");
  var chosen = document.getElementById("files-chosen");
  var error = document.getElementById("files-error");
  if (!form || !zone || !input) { return; }
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;

  function totalBytes() {
    var total = 0;
    for (var i = 0; i < input.files.length; i++) { total += input.files[i].size; }
    var note = document.getElementById("note");
    if (note) { total += new Blob([note.value]).size; }
    return total;
  }

  function refresh() {
    var names = [];
    for (var i = 0; i < input.files.length; i++) { names.push(input.files[i].name); }
    chosen.textContent = names.length
      ? form.getAttribute("data-msg-chosen") + " " + names.join(", ")
      : "";
    var tooBig = maxBytes && totalBytes() > maxBytes;
    error.hidden = !tooBig;
    error.textContent = tooBig ? form.getAttribute("data-msg-too-big") : "";
    return !tooBig;
  }

  input.addEventListener("change", refresh);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("is-over");
    });
  });
  ["dragleave", "dragend", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      refresh();
    }
  });
  form.addEventListener("submit", function (event) {
    if (!refresh()) { event.preventDefault(); input.focus(); }
  });
})();
