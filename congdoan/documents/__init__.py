"""Official Word documents: the plan template, rendering, signing, verification, PDF conversion and Word import.

Where things are: render.py makes the Word file (docxtpl) from what context.py gives the template
(rich_text.py, word_table.py, stamps.py); templates.py picks the template; signing.py signs and
numbers; signatures.py keeps a person's signature image and the seal (checked by images.py);
stored_files.py serves issued files and drafts (cache.py keeps rendered drafts on disk); pdf.py and
pdf_jobs.py make the PDF; verification.py checks a code or a file; sending.py sends issued documents.
"""
