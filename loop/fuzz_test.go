package loop

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cemlab/cem/curate"
	"github.com/cemlab/cem/internal/jsonl"
	"github.com/cemlab/cem/rundir"
)

// addSeeds adds the files of a real run folder (testdata/run) to a fuzz
// corpus.
func addSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", "run", "round-1", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// fuzzJSONL checks decodeJSONL on b for records of type T: errors name the
// file, and accepted records are stable when written and read again.
func fuzzJSONL[T any](t *testing.T, b []byte) {
	recs, err := jsonl.Decode[T](bytes.NewReader(b), "fuzz.jsonl", nil)
	if err != nil {
		if !strings.HasPrefix(err.Error(), "fuzz.jsonl:") {
			t.Fatalf("error %q does not name the file", err)
		}
		return
	}
	once, err := jsonl.Marshal(recs)
	if err != nil {
		t.Fatalf("accepted records do not encode: %v", err)
	}
	back, err := jsonl.Decode[T](bytes.NewReader(once), "again.jsonl", nil)
	if err != nil || len(back) != len(recs) {
		t.Fatalf("re-read gave %d records, %v; want %d", len(back), err, len(recs))
	}
	twice, err := jsonl.Marshal(back)
	if err != nil || !bytes.Equal(once, twice) {
		t.Fatalf("records changed when written and read again (%v):\n%s\nthen\n%s", err, once, twice)
	}
}

// FuzzDecodeJSONL checks the run folder's JSON Lines reader (what
// ReadJSONL reads exam answers and curation verdicts with) never panics,
// names the file in errors, and gives records that survive a write and a
// read.
func FuzzDecodeJSONL(f *testing.F) {
	addSeeds(f, "exam.jsonl", "curation.jsonl")
	f.Add([]byte("{}\n\n{\"suite\":1}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzJSONL[rundir.Answer](t, b)
		fuzzJSONL[curate.Verdict](t, b)
	})
}

// FuzzReadManifest checks that reading a stage manifest never panics,
// that errors other than a missing file name it, and that an accepted
// manifest is stable when written and read again.
func FuzzReadManifest(f *testing.F) {
	addSeeds(f, "exam.manifest.json", "trainset.manifest.json")
	f.Add([]byte(`{"stage":"exam","round":-1,"extra":null,"usage":{"":{}}}`))
	// One file per worker process: a worker runs its inputs one at a time.
	dir := f.TempDir()
	path := filepath.Join(dir, "exam.manifest.json")
	again := filepath.Join(dir, "again.manifest.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		var m rundir.Manifest
		if err := rundir.ReadJSON(path, &m); err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := rundir.WriteJSON(again, m); err != nil {
			t.Fatalf("accepted manifest does not write: %v", err)
		}
		var back rundir.Manifest
		if err := rundir.ReadJSON(again, &back); err != nil {
			t.Fatalf("written manifest does not read: %v", err)
		}
		x, _ := json.Marshal(m)
		y, _ := json.Marshal(back)
		if !bytes.Equal(x, y) {
			t.Fatalf("manifest changed when written and read again:\n%s\nthen\n%s", x, y)
		}
	})
}
