package docs

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/cemlab/cem/internal/defaults"
	"github.com/cemlab/cem/knowledge"
)

// Defaults of Config.
const (
	DefaultSource     = "docs"
	DefaultMaxBytes   = 64 << 20 // a file's size cap
	DefaultPDFTimeout = 30 * time.Second
	// maxXMLBytes caps what one DOCX part may expand to (against zip
	// bombs); maxPDFText caps pdftotext's output.
	maxXMLBytes = 64 << 20
	maxPDFText  = 64 << 20
)

// Config says which folder to read and how. The zero value of every field
// but Dir gives the default.
type Config struct {
	// Dir is the folder read, recursively. Hidden files and folders
	// (names starting with ".") are not read.
	Dir string
	// Source names the passages (their Source and the prefix of their
	// IDs); default "docs".
	Source string
	// License is the licence of files no Licenses prefix matches.
	License string
	// Licenses maps a sub-folder prefix of the file's path relative to
	// Dir (slash-separated, e.g. "public/handbook") to its licence; the
	// longest prefix that matches whole path elements wins.
	Licenses map[string]string
	// MaxChars caps a passage's size in bytes; default
	// knowledge.DefaultMaxChars.
	MaxChars int
	// MaxBytes caps a file's size; a larger file is skipped
	// (ReasonTooLarge). Default DefaultMaxBytes.
	MaxBytes int64
	// PDFTimeout bounds pdftotext on one file; default DefaultPDFTimeout.
	PDFTimeout time.Duration
	// PDFToText is the pdftotext program; default "pdftotext" on PATH.
	// Without it PDFs are skipped (ReasonNoPDFEngine).
	PDFToText string
	// Workers read files in parallel; default GOMAXPROCS. The result does
	// not depend on it.
	Workers int
}

func (c *Config) applyDefaults() {
	c.Source = cmp.Or(c.Source, DefaultSource)
	c.MaxChars = defaults.Positive(c.MaxChars, knowledge.DefaultMaxChars)
	c.MaxBytes = defaults.Positive(c.MaxBytes, DefaultMaxBytes)
	c.PDFTimeout = defaults.Positive(c.PDFTimeout, DefaultPDFTimeout)
	c.PDFToText = cmp.Or(c.PDFToText, "pdftotext")
	c.Workers = defaults.Positive(c.Workers, runtime.GOMAXPROCS(0))
}

// settings is what, besides a file's bytes, decides its passages: a
// change re-reads every file.
func (c *Config) settings() string {
	return fmt.Sprintf("v%d source=%s max_chars=%d", readerVersion, c.Source, c.MaxChars)
}

// readerVersion changes whenever the readers' output changes.
const readerVersion = 1

// LicenseOf returns the licence of the file at rel (relative to Dir,
// slash-separated): that of the longest Licenses prefix matching whole
// path elements, else License.
func (c *Config) LicenseOf(rel string) string {
	best, lic := -1, c.License
	for prefix, l := range c.Licenses {
		p := strings.Trim(prefix, "/")
		if p == "" || rel == p || strings.HasPrefix(rel, p+"/") {
			if len(p) > best {
				best, lic = len(p), l
			}
		}
	}
	return lic
}

// Reason is why a file was skipped.
type Reason string

// The reasons a file is skipped.
const (
	ReasonEmpty         Reason = "empty"             // zero bytes, or only white space
	ReasonTooLarge      Reason = "too-large"         // over MaxBytes, or a DOCX part or PDF text over its cap
	ReasonUnknownExt    Reason = "unknown-extension" // not .html .htm .xhtml .pdf .docx .md .markdown .txt
	ReasonNotUTF8       Reason = "not-utf8"          // text or Markdown (or HTML without a known declared charset) that is not UTF-8
	ReasonBinary        Reason = "binary"            // text or Markdown holding NUL bytes
	ReasonMalformedHTML Reason = "malformed-html"    // binary content named .html, or a tree the parser refuses
	ReasonEncryptedPDF  Reason = "encrypted-pdf"     // a PDF that needs a password
	ReasonCorruptPDF    Reason = "corrupt-pdf"       // no %PDF- header, truncated (no %%EOF), or refused by pdftotext
	ReasonPDFTimeout    Reason = "pdf-timeout"       // pdftotext ran over PDFTimeout
	ReasonNoPDFEngine   Reason = "no-pdf-engine"     // pdftotext is not installed
	ReasonCorruptDOCX   Reason = "corrupt-docx"      // not a zip, or no readable word/document.xml
	ReasonNoText        Reason = "no-text"           // read fine, but no text in it (a scanned PDF)
	ReasonUnreadable    Reason = "unreadable"        // the file could not be opened, or is not a regular file (links are not followed)
)

// Skip is one file left out, with its reason and a detail saying what
// was found.
type Skip struct {
	Path   string `json:"path"` // relative to Dir, slash-separated
	Reason Reason `json:"reason"`
	Detail string `json:"detail"`
}

func (s Skip) String() string { return s.Path + ": " + string(s.Reason) + ": " + s.Detail }

// skipError is a reader's refusal of a file.
type skipError struct {
	reason Reason
	detail string
}

func (e *skipError) Error() string { return string(e.reason) + ": " + e.detail }

func skipf(r Reason, format string, args ...any) error {
	return &skipError{reason: r, detail: fmt.Sprintf(format, args...)}
}

// Report says what one read of a folder did.
type Report struct {
	Source string `json:"source"`
	Dir    string `json:"dir"`
	// Files is the number of files found; Read of them were read this
	// time, Reused were unchanged (same SHA-256) and kept their passages
	// (or their skip) from the previous build.
	Files  int `json:"files"`
	Read   int `json:"read"`
	Reused int `json:"reused"`
	// Removed lists the files of the previous build that are gone.
	Removed  []string `json:"removed,omitempty"`
	Passages int      `json:"passages"`
	// Skipped lists every file left out, in path order.
	Skipped []Skip `json:"skipped,omitempty"`
	// FullRead says why nothing could be reused ("" when the previous
	// build was used or there was none).
	FullRead string        `json:"full_read,omitempty"`
	Took     time.Duration `json:"took_ns"`
}

// hashFile returns the file's bytes and their SHA-256 in hex.
func hashFile(path string) ([]byte, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), nil
}

// format is the reader of an extension.
func format(rel string) string {
	switch strings.ToLower(filepath.Ext(rel)) {
	case ".html", ".htm", ".xhtml":
		return "html"
	case ".pdf":
		return "pdf"
	case ".docx":
		return "docx"
	case ".md", ".markdown":
		return "markdown"
	case ".txt", ".text":
		return "text"
	}
	return ""
}
