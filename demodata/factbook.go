package demodata

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cemlab/cem/internal/atomicfile"
)

// The Factbook's public upstream, pinned: the factbook.json repository
// (public domain) at one revision, checked by the SHA-256 of its JSON
// content (ContentDigest), not of the archive's bytes, which the host
// generates and does not promise to keep identical.
const (
	FactbookRevision = "8662a8b17a784841ab4528631b04090eb2f183eb"
	FactbookURL      = "https://github.com/factbook/factbook.json/archive/" + FactbookRevision + ".tar.gz"
	FactbookSHA256   = "8c09d0ae9f1880e9e700fefc45dbe2fa8218f7db9bb7e9852653f5dee0531ee1"
	// FactbookMarker, in a fetched Factbook folder, records what was
	// fetched (FactbookStamp).
	FactbookMarker = ".cem-factbook.json"
	// maxFactbookArchive bounds the download (the archive is about 5 MB).
	maxFactbookArchive = 256 << 20
)

// ErrChecksum reports fetched data whose digest is not the pinned one;
// ErrBadArchive, a download that is not a well-formed archive of the
// Factbook's folder (not gzip, a path leaving the folder, too large).
var (
	ErrChecksum   = errors.New("checksum mismatch")
	ErrBadArchive = errors.New("bad archive")
)

// Where a Factbook was found (FactbookResult.From).
const (
	FactbookFetched = "upstream" // downloaded now, or earlier, into the data root
	FactbookEnv     = "env"      // $CEM_FACTBOOK
	FactbookShared  = "shared"   // ../shared/data/factbook
	FactbookAbsent  = "absent"   // nowhere
)

// FactbookOptions control FetchFactbook. The zero value fetches
// FactbookURL into <Root()>/factbook and checks FactbookSHA256.
type FactbookOptions struct {
	Dir      string // data root; "" means Root()
	URL      string // archive to download; "" means FactbookURL
	SHA256   string // content digest to check; "" means FactbookSHA256
	Revision string // recorded in the marker; "" means FactbookRevision
	// Client downloads; nil means a client with a 2-minute timeout.
	Client *http.Client
	// Force downloads again even when a fetched copy is present.
	Force bool
}

// FactbookStamp is the marker of a fetched Factbook folder.
type FactbookStamp struct {
	URL           string    `json:"url"`
	Revision      string    `json:"revision"`
	ContentSHA256 string    `json:"content_sha256"`
	ArchiveSHA256 string    `json:"archive_sha256"`
	Files         int       `json:"files"`
	Fetched       time.Time `json:"fetched"`
}

// FactbookResult says where the Factbook is and how it was found.
type FactbookResult struct {
	From string // FactbookFetched, FactbookEnv, FactbookShared or FactbookAbsent
	Dir  string // its folder ("" when absent)
	// Pinned is true when the folder's ContentDigest is FactbookSHA256
	// (always for a fetched copy; a local one may be another revision).
	Pinned bool
	Digest string // the folder's content digest ("" when absent)
	// Stamp is the fetched copy's marker (From == FactbookFetched).
	Stamp *FactbookStamp
	// FetchErr is why the upstream was not used (nil when it was, or
	// when a fetched copy was already present).
	FetchErr error
}

// String says plainly where the Factbook came from, or that it is
// absent and why.
func (r FactbookResult) String() string {
	pin := "the pinned revision " + FactbookRevision[:12]
	if !r.Pinned && r.Digest != "" {
		pin = "content digest " + r.Digest[:12] + ", not the pinned revision's " + FactbookSHA256[:12]
	}
	why := ""
	if r.FetchErr != nil {
		why = " (upstream not reachable: " + r.FetchErr.Error() + ")"
	}
	switch r.From {
	case FactbookFetched:
		return fmt.Sprintf("factbook: %s, fetched from %s (%s, content sha256 checked)", r.Dir, r.Stamp.URL, pin)
	case FactbookEnv:
		return fmt.Sprintf("factbook: %s, from %s%s (%s)", r.Dir, EnvFactbook, why, pin)
	case FactbookShared:
		return fmt.Sprintf("factbook: %s, the shared copy%s (%s)", r.Dir, why, pin)
	}
	return "factbook: absent" + why + "; " + EnvFactbook + " is not set and there is no ../shared/data/factbook. " +
		"The demo runs without its second source of capitals (WordNet alone, no second source to corroborate its evidence)"
}

// FactbookDirOf is the data root's fetched Factbook folder.
func (p Paths) FactbookDirOf() string { return filepath.Join(p.Root, "factbook") }

// FetchFactbook makes the Factbook available and says where it is. A
// fetched copy already in the data root (its marker naming the pinned
// digest) is used as it is unless Force. Otherwise it downloads the
// archive, unpacks it into a temporary folder beside the target, checks
// its ContentDigest against the pinned one and renames it into place
// with its marker. When the download fails it falls back to
// $CEM_FACTBOOK, then ../shared/data/factbook (see FactbookDir), and
// finally reports the Factbook absent; the result keeps the download's
// error. A digest that does not match is an error wrapping ErrChecksum,
// and a download that is not a sound archive one wrapping ErrBadArchive,
// never a fallback: nothing of it is kept.
func FetchFactbook(ctx context.Context, opts FactbookOptions) (FactbookResult, error) {
	if opts.Dir == "" {
		r, err := Root()
		if err != nil {
			return FactbookResult{}, err
		}
		opts.Dir = r
	}
	if opts.URL == "" {
		opts.URL = FactbookURL
	}
	if opts.SHA256 == "" {
		opts.SHA256 = FactbookSHA256
	}
	if opts.Revision == "" {
		opts.Revision = FactbookRevision
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 2 * time.Minute}
	}
	target := NewPaths(opts.Dir).FactbookDirOf()
	if st, err := readStamp(target); err == nil && st.ContentSHA256 == opts.SHA256 && !opts.Force {
		return fetchedResult(target, st), nil
	}
	st, err := download(ctx, opts, target)
	if err == nil {
		return fetchedResult(target, st), nil
	}
	if errors.Is(err, ErrChecksum) || errors.Is(err, ErrBadArchive) || ctx.Err() != nil {
		return FactbookResult{}, err
	}
	res, ferr := localResult()
	res.FetchErr = err
	return res, ferr
}

// download fetches, unpacks and checks the archive into target.
func download(ctx context.Context, opts FactbookOptions, target string) (*FactbookStamp, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opts.URL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := opts.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", opts.URL, resp.Status)
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(opts.Dir, "factbook.tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	h := sha256.New()
	body := io.TeeReader(io.LimitReader(resp.Body, maxFactbookArchive+1), h)
	sums, err := untarGz(body, tmp)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("factbook archive %s: %w: %w", opts.URL, ErrBadArchive, err)
	}
	if _, err := io.Copy(io.Discard, body); err != nil { // the rest of the stream, for the archive's hash
		return nil, fmt.Errorf("factbook archive %s: %w", opts.URL, err)
	}
	digest, files := digestOf(sums)
	if digest != opts.SHA256 {
		return nil, fmt.Errorf("factbook archive %s: %w: content sha256 %s, want %s", opts.URL, ErrChecksum, digest, opts.SHA256)
	}
	st := &FactbookStamp{URL: opts.URL, Revision: opts.Revision, ContentSHA256: digest,
		ArchiveSHA256: hex.EncodeToString(h.Sum(nil)), Files: files, Fetched: time.Now().UTC().Truncate(time.Second)}
	if err := atomicfile.WriteJSON(filepath.Join(tmp, FactbookMarker), st, 0o644); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(target); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, target); err != nil {
		return nil, err
	}
	return st, nil
}

// untarGz unpacks a gzipped tar stream into dir, dropping the archive's
// top folder (factbook.json-<revision>/), and returns the SHA-256 of
// each JSON file ContentDigest counts, by its slash path, hashed as it
// is written. Only folders and regular files are kept; a path leaving
// dir, or an archive over the size limit, is an error.
func untarGz(r io.Reader, dir string) (map[string][]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	sums := map[string][]byte{}
	var total int64
	for {
		hd, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return sums, nil
		}
		if err != nil {
			return nil, err
		}
		name := path.Clean(strings.TrimPrefix(hd.Name, "./"))
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") || strings.Contains(name, "/../") {
			return nil, fmt.Errorf("entry %q leaves the archive's folder", hd.Name)
		}
		if i := strings.IndexByte(name, '/'); i >= 0 {
			name = name[i+1:]
		} else {
			name = "" // the top folder itself
		}
		if name == "" || name == "." {
			continue
		}
		out := filepath.Join(dir, filepath.FromSlash(name))
		switch hd.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(out, 0o755); err != nil {
				return nil, err
			}
		case tar.TypeReg:
			if total += hd.Size; total > maxFactbookArchive {
				return nil, fmt.Errorf("unpacked size over %d bytes", maxFactbookArchive)
			}
			h := sha256.New()
			if err := writeEntry(out, io.TeeReader(tr, h)); err != nil {
				return nil, fmt.Errorf("entry %s: %w", hd.Name, err)
			}
			if counted(path.Base(name)) {
				sums[name] = h.Sum(nil)
			}
		}
	}
}

func writeEntry(out string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ContentDigest is the SHA-256 of the folder's JSON files: of the lines
// "<sha256 of the file>  <path>\n", paths relative to dir with forward
// slashes, in byte order (what `find . -name '*.json' | sed 's|^./||' |
// LC_ALL=C sort | xargs sha256sum | sha256sum` prints), and the number
// of files.
func ContentDigest(dir string) (string, int, error) {
	sums := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !counted(d.Name()) {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		sums[filepath.ToSlash(rel)] = h.Sum(nil)
		return nil
	})
	if err != nil {
		return "", 0, err
	}
	digest, n := digestOf(sums)
	return digest, n, nil
}

// counted reports whether a file of this name is part of the content
// digest: a JSON file other than the marker.
func counted(name string) bool {
	return strings.HasSuffix(name, ".json") && name != FactbookMarker
}

// digestOf is ContentDigest's digest of the files' SHA-256 sums (by
// slash path) and their number.
func digestOf(sums map[string][]byte) (string, int) {
	all := sha256.New()
	for _, rel := range slices.Sorted(maps.Keys(sums)) {
		fmt.Fprintf(all, "%x  %s\n", sums[rel], rel)
	}
	return hex.EncodeToString(all.Sum(nil)), len(sums)
}

// fetchedResult is the FactbookResult of the fetched copy in dir with
// its marker st.
func fetchedResult(dir string, st *FactbookStamp) FactbookResult {
	return FactbookResult{From: FactbookFetched, Dir: dir, Pinned: st.ContentSHA256 == FactbookSHA256, Digest: st.ContentSHA256, Stamp: st}
}

// readStamp reads a fetched Factbook folder's marker.
func readStamp(dir string) (*FactbookStamp, error) {
	data, err := os.ReadFile(filepath.Join(dir, FactbookMarker))
	if err != nil {
		return nil, err
	}
	var st FactbookStamp
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, FactbookMarker), err)
	}
	return &st, nil
}
