"""upload_app"""
