package demodata

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFetchFromMissingFiles(t *testing.T) {
	_, err := Fetch(context.Background(), Options{Dir: t.TempDir(), From: t.TempDir()})
	if !errors.Is(err, ErrNoData) || !strings.Contains(err.Error(), "usr/share/wordnet/data.noun (package wordnet-base)") {
		t.Fatalf("Fetch from empty install: err = %v; want ErrNoData naming data.noun", err)
	}
}

// TestFetchDeb unpacks a small package built on the spot, so the apt-get
// path runs without the network: a .deb already in DebDir is not downloaded.
func TestFetchDeb(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("the apt-get fetch path needs dpkg-deb, which is not installed")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("the apt-get fetch path needs apt-get, which is not installed")
	}
	tmp := t.TempDir()
	build := filepath.Join(tmp, "build")
	writeFile(t, filepath.Join(build, "DEBIAN/control"), "Package: cem-test\nVersion: 1.2-3\nArchitecture: all\nMaintainer: cem <cem@example.org>\nDescription: test\n")
	writeFile(t, filepath.Join(build, "usr/share/cem-test/hello.txt"), "hello\n")
	writeFile(t, filepath.Join(build, "usr/share/doc/cem-test/copyright"), "public domain\n")
	debs := filepath.Join(tmp, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "-b", build, filepath.Join(debs, "cem-test_1.2-3_all.deb")).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -b: %v\n%s", err, out)
	}
	root := filepath.Join(tmp, "root")
	pkgs := []Package{{Name: "cem-test", Files: []string{"usr/share/cem-test/hello.txt", "usr/share/doc/cem-test/copyright"}}}
	m, err := Fetch(context.Background(), Options{Dir: root, DebDir: debs, Packages: pkgs})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	p := m.Packages[0]
	if p.Version != "1.2-3" || p.Deb != "cem-test_1.2-3_all.deb" || len(p.DebSHA256) != 64 || len(p.Files) != 2 {
		t.Errorf("manifest package = %+v; want version 1.2-3 from cem-test_1.2-3_all.deb with 2 files", p)
	}
	if b, err := os.ReadFile(filepath.Join(root, "usr/share/cem-test/hello.txt")); err != nil || string(b) != "hello\n" {
		t.Errorf("unpacked file = %q, %v; want hello", b, err)
	}
}

func TestFetchWithoutTools(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Fetch(context.Background(), Options{Dir: t.TempDir()})
	if !errors.Is(err, ErrMissingTool) {
		t.Fatalf("err = %v; want ErrMissingTool", err)
	}
	for _, want := range []string{"apt-get and dpkg-deb", "--from /", "usr/share/dictd/gcide.dict.dz"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
