package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	errBoom = errors.New("boom")
	errAny  = errors.New("any error")
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name    string
		old     *string // contents of the destination beforehand; nil: none
		dest    string  // relative to the test folder; "" means "out"
		dirDest bool    // make the destination a non-empty folder
		write   func(path string) error
		want    string // contents afterwards; "" with wantErr: as old
		wantErr error  // errors.Is target; nil means success
	}{
		{
			name:  "WriteFile new",
			write: func(p string) error { return WriteFile(p, writeString("hello\n"), 0o644) },
			want:  "hello\n",
		},
		{
			name:  "WriteFile replaces",
			old:   ptr("old contents"),
			write: func(p string) error { return WriteFile(p, writeString("new"), 0o644) },
			want:  "new",
		},
		{
			name: "WriteFile large, past the buffer",
			write: func(p string) error {
				return WriteFile(p, writeString(strings.Repeat("x", 3*bufSize+7)), 0o644)
			},
			want: strings.Repeat("x", 3*bufSize+7),
		},
		{
			name:  "WriteBytes new",
			write: func(p string) error { return WriteBytes(p, []byte("bytes"), 0o600) },
			want:  "bytes",
		},
		{
			name:  "WriteBytes replaces with empty",
			old:   ptr("old"),
			write: func(p string) error { return WriteBytes(p, nil, 0o644) },
			want:  "",
		},
		{
			name: "callback error keeps old file",
			old:  ptr("keep me"),
			write: func(p string) error {
				return WriteFile(p, func(w io.Writer) error {
					io.WriteString(w, "partial")
					return errBoom
				}, 0o644)
			},
			wantErr: errBoom,
		},
		{
			name: "callback error, no old file",
			write: func(p string) error {
				return WriteFile(p, func(io.Writer) error { return errBoom }, 0o644)
			},
			wantErr: errBoom,
		},
		{
			name:    "missing folder",
			dest:    "missing/out",
			write:   func(p string) error { return WriteBytes(p, []byte("x"), 0o644) },
			wantErr: fs.ErrNotExist,
		},
		{
			name:    "missing folder, WriteFile",
			dest:    "missing/out",
			write:   func(p string) error { return WriteFile(p, writeString("x"), 0o644) },
			wantErr: fs.ErrNotExist,
		},
		{
			name:    "rename over a non-empty folder fails",
			dirDest: true,
			write:   func(p string) error { return WriteBytes(p, []byte("x"), 0o644) },
			wantErr: errAny, // EEXIST, ENOTEMPTY or EISDIR, by system
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dest := tt.dest
			if dest == "" {
				dest = "out"
			}
			path := filepath.Join(dir, dest)
			if tt.old != nil {
				if err := os.WriteFile(path, []byte(*tt.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.dirDest {
				if err := os.MkdirAll(filepath.Join(path, "child"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			err := tt.write(path)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != nil && err == nil:
				t.Fatalf("no error, want %v", tt.wantErr)
			case tt.wantErr == errAny:
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			switch {
			case tt.wantErr == nil:
				got, rerr := os.ReadFile(path)
				if rerr != nil {
					t.Fatal(rerr)
				}
				if string(got) != tt.want {
					t.Fatalf("contents %.40q (%d bytes), want %.40q (%d bytes)", got, len(got), tt.want, len(tt.want))
				}
			case tt.old != nil:
				got, rerr := os.ReadFile(path)
				if rerr != nil {
					t.Fatal(rerr)
				}
				if string(got) != *tt.old {
					t.Fatalf("old file now %q, want %q", got, *tt.old)
				}
			case !tt.dirDest:
				if _, serr := os.Stat(path); !errors.Is(serr, fs.ErrNotExist) {
					t.Fatalf("destination exists after a failed write: %v", serr)
				}
			}
			entries, err := os.ReadDir(filepath.Dir(filepath.Join(dir, "out")))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if IsTemp(e.Name()) {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
		})
	}
}

func TestRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := WriteBytes("rel", []byte("r"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile("rel"); err != nil || string(b) != "r" {
		t.Fatalf("read %q, %v", b, err)
	}
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func ptr(s string) *string { return &s }

// TestWriteJSON writes indented JSON with a final newline, and leaves
// the old file in place when the value does not encode.
func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.json")
	if err := WriteJSON(path, map[string]int{"a": 1}, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "{\n  \"a\": 1\n}\n" {
		t.Errorf("file = %q, %v; want indented JSON and a newline", b, err)
	}
	if err := WriteJSON(path, make(chan int), 0o600); err == nil {
		t.Error("WriteJSON(chan) succeeded; want json's error")
	}
	if b, _ := os.ReadFile(path); string(b) != "{\n  \"a\": 1\n}\n" {
		t.Errorf("after a failed write the file is %q; want the old content", b)
	}
}
