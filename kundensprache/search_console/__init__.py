"""search_console"""
