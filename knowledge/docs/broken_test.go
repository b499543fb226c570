package docs_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cemlab/cem/demodata/demotest"
	"github.com/cemlab/cem/internal/factbookdocs"
	"github.com/cemlab/cem/knowledge/docs"
)

// pdfBytes is a one-page PDF written by fpdf; protect, when set, is the
// user password it is encrypted with.
func pdfBytes(t *testing.T, protect string) []byte {
	t.Helper()
	p := factbookdocs.NewPDF(factbookdocs.Doc{Title: "Memo", Blocks: []factbookdocs.Block{{Level: 1, Text: "Memo"}, {Text: "The budget is due on Friday."}}})
	if protect != "" {
		p.SetProtection(0, protect, "owner-"+protect)
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipBytes is a zip archive of the given members.
func zipBytes(t *testing.T, members map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range members {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// brokenCase is one broken file and the skip it must get.
type brokenCase struct {
	name, file string
	body       func(t *testing.T) []byte
	needsPDF   bool
	cfg        docs.Config
	reason     docs.Reason
	detail     string
}

// TestBrokenInputs reads one broken file per case and checks that it is
// skipped with exactly the recorded reason and detail (a detail ending in
// "..." is a prefix: the rest is pdftotext's or archive/zip's wording).
func TestBrokenInputs(t *testing.T) {
	whole := pdfBytes(t, "")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
	cases := []brokenCase{
		{name: "encrypted PDF", file: "secret.pdf", needsPDF: true, body: func(t *testing.T) []byte { return pdfBytes(t, "hunter2") },
			reason: docs.ReasonEncryptedPDF, detail: "needs a password (pdftotext: Command Line Error: Incorrect password)"},
		{name: "truncated PDF", file: "cut.pdf", body: func(*testing.T) []byte { return whole[:len(whole)*2/3] },
			reason: docs.ReasonCorruptPDF, detail: "truncated: no %%EOF marker at the end"},
		{name: "PDF without header", file: "fake.pdf", body: func(*testing.T) []byte { return []byte("hello world\n%%EOF\n") },
			reason: docs.ReasonCorruptPDF, detail: "no %PDF- header"},
		{name: "PDF with a garbled body", file: "garbled.pdf", needsPDF: true,
			body: func(*testing.T) []byte {
				return append([]byte("%PDF-1.4\n"), append(bytes.Repeat([]byte("garbage "), 64), []byte("\n%%EOF\n")...)...)
			},
			reason: docs.ReasonCorruptPDF, detail: "pdftotext exit 1: ..."},
		{name: "binary named .html", file: "image.html", body: func(*testing.T) []byte { return png },
			reason: docs.ReasonMalformedHTML, detail: "binary content: NUL byte at offset 8"},
		{name: "control characters named .html", file: "ctl.html", body: func(*testing.T) []byte { return bytes.Repeat([]byte("\x01\x02<p>"), 10) },
			reason: docs.ReasonMalformedHTML, detail: "binary content: 20 of the first 50 bytes are control characters"},
		{name: "HTML not UTF-8 without a charset", file: "latin.html", body: func(*testing.T) []byte { return []byte("<p>caf\xe9</p>") },
			reason: docs.ReasonNotUTF8, detail: "invalid UTF-8 at offset 6 (line 1) and no <meta charset>"},
		{name: "file over the size cap", file: "big.txt", cfg: docs.Config{MaxBytes: 100},
			body:   func(*testing.T) []byte { return bytes.Repeat([]byte("a"), 101) },
			reason: docs.ReasonTooLarge, detail: "101 bytes, over the cap of 100"},
		{name: "DOCX that expands past its cap", file: "bomb.docx",
			body: func(t *testing.T) []byte {
				return zipBytes(t, map[string][]byte{"word/document.xml": bytes.Repeat([]byte(" "), 64<<20+1)})
			},
			reason: docs.ReasonTooLarge, detail: "word/document.xml expands to 67108865 bytes, over the cap of 64 MiB"},
		{name: "text not UTF-8", file: "notes.txt", body: func(*testing.T) []byte { return []byte("line one\ncaf\xe9\n") },
			reason: docs.ReasonNotUTF8, detail: "invalid UTF-8 at offset 12 (line 2); convert it, e.g. with iconv -t UTF-8"},
		{name: "binary named .md", file: "blob.md", body: func(*testing.T) []byte { return png },
			reason: docs.ReasonBinary, detail: "NUL byte at offset 8"},
		{name: "unknown extension", file: "sheet.xlsx", body: func(*testing.T) []byte { return []byte("PK") },
			reason: docs.ReasonUnknownExt, detail: `extension ".xlsx" is none of .html .htm .xhtml .pdf .docx .md .markdown .txt .text`},
		{name: "empty file", file: "empty.md", body: func(*testing.T) []byte { return nil },
			reason: docs.ReasonEmpty, detail: "0 bytes"},
		{name: "white space only", file: "blank.txt", body: func(*testing.T) []byte { return []byte(" \n\t\n") },
			reason: docs.ReasonEmpty, detail: "only white space (4 bytes)"},
		{name: "DOCX that is not a zip", file: "report.docx", body: func(*testing.T) []byte { return []byte("not a zip at all") },
			reason: docs.ReasonCorruptDOCX, detail: "not a zip archive: zip: not a valid zip file"},
		{name: "DOCX without a document", file: "hollow.docx", body: func(t *testing.T) []byte {
			return zipBytes(t, map[string][]byte{"word/styles.xml": []byte("<w:styles/>")})
		},
			reason: docs.ReasonCorruptDOCX, detail: "no word/document.xml in the archive"},
		{name: "HTML without text", file: "script.html", body: func(*testing.T) []byte { return []byte("<html><script>var x = 1;</script></html>") },
			reason: docs.ReasonNoText, detail: "no text found in the HTML"},
		{name: "no PDF engine", file: "memo.pdf", cfg: docs.Config{PDFToText: "no-such-pdftotext"}, body: func(*testing.T) []byte { return whole },
			reason: docs.ReasonNoPDFEngine, detail: "pdftotext not found on PATH (install Debian's poppler-utils)"},
	}
	// A stand-in pdftotext that hangs, for the timeout.
	hang := filepath.Join(t.TempDir(), "pdftotext")
	if err := os.WriteFile(hang, []byte("#!/bin/sh\nexec sleep 10\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, brokenCase{name: "PDF engine over its time", file: "slow.pdf", cfg: docs.Config{PDFToText: hang, PDFTimeout: 200 * time.Millisecond},
		body: func(*testing.T) []byte { return whole }, reason: docs.ReasonPDFTimeout, detail: "pdftotext ran over 200ms"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.needsPDF {
				demotest.PDFToText(t)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), tc.body(t), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := tc.cfg
			cfg.Dir = dir
			res, err := docs.Read(context.Background(), cfg, docs.Previous{})
			if err != nil {
				t.Fatalf("Read: %v; want the file skipped", err)
			}
			if len(res.Passages) != 0 || len(res.Report.Skipped) != 1 {
				t.Fatalf("passages %d, skipped %v; want 0 and one skip", len(res.Passages), res.Report.Skipped)
			}
			s := res.Report.Skipped[0]
			prefix, isPrefix := strings.CutSuffix(tc.detail, "...")
			okDetail := s.Detail == tc.detail || isPrefix && strings.HasPrefix(s.Detail, prefix)
			if s.Path != tc.file || s.Reason != tc.reason || !okDetail {
				t.Errorf("skip = %s: %s: %q; want %s: %s: %q", s.Path, s.Reason, s.Detail, tc.file, tc.reason, tc.detail)
			}
			if st := res.Folder.Files[tc.file]; st.Skip == nil || st.Skip.Reason != tc.reason {
				t.Errorf("manifest state = %+v; want the skip recorded", st)
			}
		})
	}
}

// TestSymlinkSkipped: a link is not followed (it may point out of the
// folder); it is listed as unreadable.
func TestSymlinkSkipped(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "link.txt")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	res, err := docs.Read(context.Background(), docs.Config{Dir: dir}, docs.Previous{})
	if err != nil {
		t.Fatal(err)
	}
	want := docs.Skip{Path: "link.txt", Reason: docs.ReasonUnreadable, Detail: "not a regular file (L---------)"}
	if len(res.Report.Skipped) != 1 || res.Report.Skipped[0] != want {
		t.Errorf("skipped %v; want [%v]", res.Report.Skipped, want)
	}
}
