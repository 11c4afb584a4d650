"""Column layouts of CRM note exports: the generic notes CSV of DESIGN.md and presets.

Each layout maps a role (text, account, date, author, type, contact, title) to candidate
column names, most specific first. A preset's ``detect`` columns must all be present for
"auto" to pick it.
"""

from __future__ import annotations

GENERIC: dict = {
    "columns": {
        "text": [
            "text", "note", "notes", "note text", "note content", "note body", "content",
            "body", "notiz", "notizen", "notiztext", "inhalt", "beschreibung", "description",
            "comment", "comments", "kommentar", "bemerkung", "bemerkungen", "message",
            "nachricht", "details", "gesprächsnotiz", "protokoll", "summary",
        ],
        "account": [
            "account", "account name", "account id", "company", "company name",
            "organization", "organisation", "organization name", "organisation name", "org",
            "firma", "firmenname", "unternehmen", "kunde", "kundenname", "customer", "client",
            "accountid", "account.name", "account_name",
        ],
        "date": [
            "date", "datum", "created at", "created", "created date", "create date",
            "creation date", "erstellt am", "erstelldatum", "angelegt am", "timestamp",
            "activity date", "note date", "zeitpunkt", "add time", "activitydate",
            "createddate", "created_date", "message date", "messagedate", "updated at",
        ],
        "author": [
            "author", "autor", "created by", "erstellt von", "verfasser", "owner",
            "note owner", "user", "benutzer", "bearbeiter", "mitarbeiter", "rep", "sales rep",
        ],
        "type": [
            "type", "typ", "art", "activity type", "category", "kategorie", "channel", "kanal",
        ],
        "contact": [
            "contact", "contact name", "contact person", "kontakt", "kontaktperson",
            "ansprechpartner", "person", "person name", "teilnehmer",
        ],
        "title": ["subject", "title", "betreff", "titel", "thema", "topic"],
    }
}  # fmt: skip

# Presets: "detect" lists alternative column sets; a preset is picked by "auto" when all
# columns of one set are present (names compared case-insensitively, _ - . as spaces).
PRESETS: dict[str, dict] = {
    # Pipedrive notes. API/export field names of the Note object (content = HTML body,
    # add_time, org_id, person_id, deal_id, user_id): Pipedrive's own API client docs,
    # github.com/pipedrive/client-nodejs docs/Note.md. Pipedrive's spreadsheet exports and
    # import mapping label columns "<Item> - <Field>" ("Person - Name", "Organization - Name",
    # "Person - Note"), as shown in its import mapping (getcapt.com/blog/pipedrive-import-csv);
    # the "Note - …" labels follow that scheme.
    "pipedrive": {
        "detect": [["Note - Content"], ["content", "add_time"], ["Content", "Add time"]],
        "columns": {
            "text": ["Note - Content", "content", "Content", "Note"],
            "account": ["Note - Organization", "Organization - Name", "Organization",
                        "org_name", "org_id"],
            "date": ["Note - Add time", "add_time", "Add time", "Note - Update time",
                     "update_time"],
            "author": ["Note - User", "User", "user_name", "user_id"],
            "contact": ["Note - Person", "Person - Name", "Person", "person_name",
                        "person_id"],
            "title": ["Note - Deal", "Deal - Title", "Deal", "deal_title"],
        },
    },
    # HubSpot notes. Internal property names hs_note_body, hs_timestamp, hubspot_owner_id:
    # developers.hubspot.com/docs/api/crm/notes. The labels HubSpot's export writes as column
    # headers ("Note body", "Activity date", "Activity assigned to", "Associated Company",
    # "Associated Contact") are those shown in HubSpot's UI; we found no public sample export
    # to confirm them, so both spellings are accepted.
    "hubspot": {
        "detect": [["hs_note_body"], ["Note body"]],
        "columns": {
            "text": ["Note body", "hs_note_body", "Body preview", "hs_body_preview"],
            "account": ["Associated Company", "Associated Companies", "Company name",
                        "associated_company", "Associated Company IDs"],
            "date": ["Activity date", "hs_timestamp", "Create date", "Created at",
                     "hs_createdate"],
            "author": ["Activity assigned to", "hubspot_owner_id", "Created by",
                       "hs_created_by_user_id", "Owner"],
            "contact": ["Associated Contact", "Associated Contacts", "associated_contact"],
            "title": ["Associated Deal", "Associated Deals"],
        },
    },
    # Salesforce. Classic Note object (data export Note.csv uses API names, reports and
    # Data Loader may use labels): Body/"Body", Title/"Title", ParentId/"Parent",
    # OwnerId/"Note Owner", CreatedDate/"Created Date", CreatedById/"Created By" —
    # developer.salesforce.com field reference "Note". Activities (Task.csv / activity
    # reports): Description/"Comments", ActivityDate/"Date", AccountId/"Account ID",
    # Subject, OwnerId/"Assigned To ID" — field reference "OpenActivity" and object "Task".
    "salesforce": {
        "detect": [["Body", "ParentId"], ["Body", "Parent"], ["Description", "WhoId"],
                   ["Description", "ActivityDate"], ["Comments", "Subject", "Assigned"],
                   ["Full Comments", "Subject"]],
        "columns": {
            "text": ["Body", "Description", "Full Comments", "Comments"],
            "account": ["Account Name", "Company / Account", "AccountId", "Account ID",
                        "ParentId", "Parent"],
            "date": ["ActivityDate", "Date", "Activity Date", "CreatedDate", "Created Date"],
            "author": ["Assigned", "OwnerId", "Note Owner", "Assigned To ID",
                       "CreatedById", "Created By"],
            "contact": ["Contact", "Name", "WhoId"],
            "title": ["Title", "Subject"],
            "type": ["Type", "TaskSubtype", "Task Subtype"],
        },
    },
    # Salesforce EmailMessage export (Data Export EmailMessage.csv): TextBody/HtmlBody,
    # MessageDate, Incoming (1 = received), FromAddress/ToAddress — developer.salesforce.com
    # object reference "EmailMessage"; layout checked against a public data export.
    "salesforce_email": {
        "detect": [["TextBody"], ["HtmlBody", "MessageDate"]],
        "columns": {
            "text": ["TextBody", "HtmlBody"],
            "date": ["MessageDate", "CreatedDate"],
            "title": ["Subject"],
            "contact": ["FromName"],
            "incoming": ["Incoming"],
            "from_address": ["FromAddress"],
            "to_address": ["ToAddress"],
        },
    },
}  # fmt: skip
