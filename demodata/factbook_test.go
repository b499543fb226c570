package demodata

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// factbookFiles are a tiny Factbook: two countries, a package file and a
// README (not part of the content digest).
var factbookFiles = map[string]string{
	"africa/cd.json": `{"Government":{"Capital":{"name":{"text":"N'Djamena"}}}}`,
	"europe/fr.json": `{"Government":{"Capital":{"name":{"text":"Paris"}}}}`,
	"package.json":   `{"name":"factbook.json"}`,
	"README.md":      "# factbook\n",
}

// tarGz builds a GitHub-style archive: every file under one top folder;
// extra entries are added as they are.
func tarGz(t *testing.T, files map[string]string, extra ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tw.WriteHeader(&tar.Header{Name: "factbook.json-abc/", Typeflag: tar.TypeDir, Mode: 0o755}))
	for _, name := range []string{"README.md", "africa/cd.json", "europe/fr.json", "package.json"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		must(tw.WriteHeader(&tar.Header{Name: "factbook.json-abc/" + name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}))
		_, err := tw.Write([]byte(body))
		must(err)
	}
	for _, h := range extra {
		must(tw.WriteHeader(h))
		if h.Size > 0 {
			_, err := tw.Write(bytes.Repeat([]byte("x"), int(h.Size)))
			must(err)
		}
	}
	must(tw.Close())
	must(zw.Close())
	return buf.Bytes()
}

// wantDigest computes the content digest of factbookFiles by its
// definition (sha256sum lines of the JSON files in byte order, hashed).
func wantDigest() string {
	var lines strings.Builder
	for _, name := range []string{"africa/cd.json", "europe/fr.json", "package.json"} {
		fmt.Fprintf(&lines, "%x  %s\n", sha256.Sum256([]byte(factbookFiles[name])), name)
	}
	return fmt.Sprintf("%x", sha256.Sum256([]byte(lines.String())))
}

// serve serves archive on loopback and counts the requests.
func serve(t *testing.T, archive []byte) (*httptest.Server, *int) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		w.Write(archive)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// isolate points the Factbook lookups away from this machine's copies:
// no CEM_FACTBOOK, a fresh data root, and a working folder with no
// ../shared beside its go.mod.
func isolate(t *testing.T) string {
	t.Setenv(EnvFactbook, "")
	root := filepath.Join(t.TempDir(), "root")
	t.Setenv(EnvData, root)
	repo := filepath.Join(t.TempDir(), "repo")
	writeFile(t, filepath.Join(repo, "go.mod"), "module x\n")
	t.Chdir(repo)
	return root
}

func TestFetchFactbookChecksAndInstalls(t *testing.T) {
	root := isolate(t)
	srv, hits := serve(t, tarGz(t, factbookFiles))
	opts := FactbookOptions{Dir: root, URL: srv.URL + "/fb.tar.gz", SHA256: wantDigest(), Revision: "abc"}
	res, err := FetchFactbook(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(root, "factbook")
	if res.From != FactbookFetched || res.Dir != target || res.Stamp.Files != 3 || res.Stamp.Revision != "abc" || res.Pinned {
		t.Errorf("result = %+v (stamp %+v); want fetched into %s, 3 JSON files, revision abc, not the pinned revision's digest", res, res.Stamp, target)
	}
	if data, err := os.ReadFile(filepath.Join(target, "africa", "cd.json")); err != nil || string(data) != factbookFiles["africa/cd.json"] {
		t.Errorf("africa/cd.json = %q, %v; want the archive's file without its top folder", data, err)
	}
	if got, n, err := ContentDigest(target); err != nil || got != res.Digest || n != res.Stamp.Files {
		t.Errorf("ContentDigest(%s) = %s, %d, %v; want the digest computed while unpacking, %s over %d files", target, got, n, err, res.Digest, res.Stamp.Files)
	}
	if !strings.Contains(res.String(), "fetched from "+opts.URL) {
		t.Errorf("String() = %q; want it to say where it was fetched from", res.String())
	}
	if dir, err := FactbookDir(); err != nil || dir != target {
		t.Errorf("FactbookDir() = %q, %v; want the fetched copy %s", dir, err, target)
	}
	// A second fetch finds the copy and downloads nothing.
	if again, err := FetchFactbook(context.Background(), opts); err != nil || again.From != FactbookFetched || *hits != 1 {
		t.Errorf("second fetch = %+v, %v after %d downloads; want the copy reused, one download", again, err, *hits)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, "factbook.tmp-*")); len(leftovers) > 0 {
		t.Errorf("temporary folders left: %v", leftovers)
	}
}

func TestFetchFactbookRejects(t *testing.T) {
	tests := []struct {
		name    string
		archive func(t *testing.T) []byte
		digest  string
		want    string
		is      error
	}{
		{"wrong checksum", func(t *testing.T) []byte { return tarGz(t, factbookFiles) }, strings.Repeat("0", 64), "checksum mismatch", ErrChecksum},
		{"one file changed", func(t *testing.T) []byte {
			changed := map[string]string{}
			for k, v := range factbookFiles {
				changed[k] = v
			}
			changed["europe/fr.json"] = `{"Government":{"Capital":{"name":{"text":"Lyon"}}}}`
			return tarGz(t, changed)
		}, wantDigest(), "checksum mismatch", ErrChecksum},
		{"path leaving the folder", func(t *testing.T) []byte {
			return tarGz(t, factbookFiles, &tar.Header{Name: "factbook.json-abc/../../evil.json", Typeflag: tar.TypeReg, Mode: 0o644, Size: 2})
		}, wantDigest(), "leaves the archive's folder", ErrBadArchive},
		{"not gzip", func(t *testing.T) []byte { return []byte("<html>rate limited</html>") }, wantDigest(), "gzip", ErrBadArchive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := isolate(t)
			srv, _ := serve(t, tt.archive(t))
			_, err := FetchFactbook(context.Background(), FactbookOptions{Dir: root, URL: srv.URL, SHA256: tt.digest})
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want %v saying %q", err, tt.is, tt.want)
			}
			if _, serr := os.Stat(filepath.Join(root, "factbook")); serr == nil {
				t.Errorf("a rejected archive left %s", filepath.Join(root, "factbook"))
			}
			if _, serr := os.Stat(filepath.Join(filepath.Dir(root), "evil.json")); serr == nil {
				t.Errorf("an entry escaped the data root")
			}
		})
	}
}

func TestFetchFactbookFallsBack(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // a closed loopback port: the upstream is unreachable
	t.Run("CEM_FACTBOOK", func(t *testing.T) {
		root := isolate(t)
		local := t.TempDir()
		for name, body := range factbookFiles {
			writeFile(t, filepath.Join(local, name), body)
		}
		t.Setenv(EnvFactbook, local)
		res, err := FetchFactbook(context.Background(), FactbookOptions{Dir: root, URL: down.URL})
		if err != nil {
			t.Fatal(err)
		}
		if res.From != FactbookEnv || res.Dir != local || res.FetchErr == nil || res.Digest != wantDigest() || res.Pinned {
			t.Errorf("result = %+v; want CEM_FACTBOOK's copy, the download's error kept, its digest, not pinned", res)
		}
		if s := res.String(); !strings.Contains(s, "from CEM_FACTBOOK") || !strings.Contains(s, "upstream not reachable") || !strings.Contains(s, "not the pinned revision") {
			t.Errorf("String() = %q; want it to name CEM_FACTBOOK, the unreachable upstream and the revision mismatch", s)
		}
	})
	t.Run("absent", func(t *testing.T) {
		root := isolate(t)
		res, err := FetchFactbook(context.Background(), FactbookOptions{Dir: root, URL: down.URL})
		if err != nil {
			t.Fatal(err)
		}
		if res.From != FactbookAbsent || res.Dir != "" || !strings.Contains(res.String(), "second source") {
			t.Errorf("result = %+v, %q; want absent, saying what the demo loses", res, res.String())
		}
		if _, err := FactbookDir(); !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), "cem data fetch") {
			t.Errorf("FactbookDir() error = %v; want ErrNoData saying to run cem data fetch", err)
		}
	})
}
