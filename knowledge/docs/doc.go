// Package docs reads a team's documents — a folder tree of HTML, PDF,
// DOCX, Markdown and plain text — into knowledge passages, cut at the
// documents' headings, with the file, page and section as provenance and
// a licence chosen per sub-folder.
//
// PDF text comes from poppler's pdftotext (Debian's poppler-utils), run
// once per file with a timeout and an output cap; its word boxes give the
// pages and, by their line heights, the headings. DOCX is read with
// archive/zip and encoding/xml under size caps. HTML goes through
// knowledge/web's section walker.
//
// A file that cannot be read is skipped, never fatal: the Report lists
// each with one of the Reason values and a detail. Rebuilds are
// incremental: the Manifest keeps each file's SHA-256 and passage count,
// so an unchanged file's passages are taken from the previous index
// instead of being read again (see Read and BuildIndex).
package docs
