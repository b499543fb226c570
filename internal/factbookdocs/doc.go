// Package factbookdocs writes documents — HTML, PDF (with fpdf) and DOCX
// — from a title and a list of headings and paragraphs, and renders the
// CIA World Factbook as a folder of such documents, one per country: the
// stand-in for a team's documents in the tests and benchmarks of
// knowledge/docs. Nothing it writes is committed.
package factbookdocs
