package demodata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cemlab/cem/internal/atomicfile"
)

// Options control Fetch. The zero value fetches the standard packages into
// Root() with apt-get.
type Options struct {
	// Dir is the data root to fill; "" means Root().
	Dir string
	// From, when set, is the root of an existing system install (usually
	// "/") whose files are linked or copied instead of downloading.
	From string
	// DebDir holds the downloaded .deb files; a .deb already there is used
	// instead of downloading it again. "" means <Dir>/../debs.
	DebDir string
	// Packages to fetch; nil means Packages().
	Packages []Package
	// Force fetches again even when the manifest matches.
	Force bool
	// Log gets one line per step at level info; nil is slog.Default().
	Log *slog.Logger
}

// ErrMissingTool reports that apt-get or dpkg-deb is not installed; the
// wrapping error says what to install or where to put which files.
var ErrMissingTool = errors.New("missing tool")

func (o *Options) applyDefaults() error {
	if o.Dir == "" {
		r, err := Root()
		if err != nil {
			return err
		}
		o.Dir = r
	}
	if o.DebDir == "" {
		o.DebDir = filepath.Join(filepath.Dir(o.Dir), "debs")
	}
	if o.Packages == nil {
		o.Packages = Packages()
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return nil
}

// Fetch makes the demo data present under the data root and returns the
// manifest describing it. When the root's manifest already matches the
// packages and every file's hash, Fetch does nothing else (unless Force).
// Otherwise it downloads each package with `apt-get download` into DebDir
// (run with DebDir as working folder, no root privileges needed), unpacks
// it with `dpkg-deb -x` into the root, or, with From set, links or copies
// the files from that install. The manifest (package, version, SHA-256 of
// each file used) is written last, through a temporary file, so an
// interrupted fetch is redone. Errors name the package and file at fault;
// a missing tool gives an error wrapping ErrMissingTool that says what to
// install or which files to place where.
func Fetch(ctx context.Context, opts Options) (*Manifest, error) {
	if err := opts.applyDefaults(); err != nil {
		return nil, err
	}
	paths := NewPaths(opts.Dir)
	if !opts.Force {
		if m, err := ReadManifest(paths.Manifest()); err == nil {
			verr := m.Verify(opts.Dir, opts.Packages)
			if verr == nil {
				opts.Log.Info(fmt.Sprintf("data in %s is up to date (%d packages)", opts.Dir, len(m.Packages)))
				return m, nil
			}
			opts.Log.Info("manifest does not match, fetching again: " + verr.Error())
		}
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("data root: %w", err)
	}
	var m *Manifest
	var err error
	if opts.From != "" {
		m, err = fetchCopy(ctx, opts)
	} else {
		m, err = fetchApt(ctx, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := writeManifest(paths.Manifest(), m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	opts.Log.Info("wrote " + paths.Manifest())
	return m, nil
}

// fetchApt downloads and unpacks every package.
func fetchApt(ctx context.Context, opts Options) (*Manifest, error) {
	if err := needTools(opts); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.DebDir, 0o755); err != nil {
		return nil, fmt.Errorf("deb folder: %w", err)
	}
	m := &Manifest{Format: manifestFormat, Method: "apt-get"}
	for _, pkg := range opts.Packages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		deb, err := findDeb(opts.DebDir, pkg.Name)
		if err != nil {
			return nil, err
		}
		if deb == "" {
			opts.Log.Info("downloading " + pkg.Name)
			if out, err := run(ctx, opts.DebDir, "apt-get", "download", pkg.Name); err != nil {
				return nil, fmt.Errorf("apt-get download %s: %w\n%s\nhint: run `apt-get update` first, or download %s_*.deb by hand into %s",
					pkg.Name, err, tail(out), pkg.Name, opts.DebDir)
			}
			if deb, err = findDeb(opts.DebDir, pkg.Name); err != nil {
				return nil, err
			}
			if deb == "" {
				return nil, fmt.Errorf("apt-get download %s left no %s_*.deb in %s", pkg.Name, pkg.Name, opts.DebDir)
			}
		}
		out, err := run(ctx, "", "dpkg-deb", "-f", deb, "Version")
		if err != nil {
			return nil, fmt.Errorf("%s: reading version: %w\n%s", deb, err, tail(out))
		}
		version := strings.TrimSpace(string(out))
		opts.Log.Info(fmt.Sprintf("unpacking %s %s", pkg.Name, version))
		if out, err := run(ctx, "", "dpkg-deb", "-x", deb, opts.Dir); err != nil {
			return nil, fmt.Errorf("dpkg-deb -x %s: %w\n%s", deb, err, tail(out))
		}
		mp, err := describe(opts.Dir, pkg, version)
		if err != nil {
			return nil, fmt.Errorf("%s unpacked but: %w", filepath.Base(deb), err)
		}
		mp.Deb = filepath.Base(deb)
		if mp.DebSHA256, _, err = hashFile(deb); err != nil {
			return nil, err
		}
		m.Packages = append(m.Packages, mp)
	}
	return m, nil
}

// needTools checks for apt-get and dpkg-deb and explains the ways out.
func needTools(opts Options) error {
	var missing []string
	for _, tool := range []string{"apt-get", "dpkg-deb"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s not on PATH. Install Debian's apt and dpkg (package names: apt, dpkg), "+
		"or run `cem data fetch --from /` on a system with", strings.Join(missing, " and "))
	for _, p := range opts.Packages {
		b.WriteString(" " + p.Name)
	}
	fmt.Fprintf(&b, " installed, or place these files under %s yourself:", opts.Dir)
	for _, p := range opts.Packages {
		fmt.Fprintf(&b, "\n  %s: %s", p.Name, strings.Join(p.Files, " "))
	}
	return fmt.Errorf("%w: %s", ErrMissingTool, b.String())
}

// findDeb returns the newest-named name_*.deb in dir, or "" when none.
func findDeb(dir, name string) (string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, name+"_*.deb"))
	if err != nil {
		return "", err
	}
	if len(matches) == 0 {
		return "", nil
	}
	sort.Strings(matches)
	return matches[len(matches)-1], nil
}

// fetchCopy links or copies the needed files from an installed system.
func fetchCopy(ctx context.Context, opts Options) (*Manifest, error) {
	var missing []string
	for _, pkg := range opts.Packages {
		for _, rel := range pkg.Files {
			if _, err := os.Stat(filepath.Join(opts.From, filepath.FromSlash(rel))); err != nil {
				missing = append(missing, fmt.Sprintf("%s (package %s)", rel, pkg.Name))
			}
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %d files missing under %s, install the packages there or fetch with apt-get:\n  %s",
			ErrNoData, len(missing), opts.From, strings.Join(missing, "\n  "))
	}
	m := &Manifest{Format: manifestFormat, Method: "copy", From: opts.From}
	for _, pkg := range opts.Packages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		opts.Log.Info(fmt.Sprintf("copying %s (%d files) from %s", pkg.Name, len(pkg.Files), opts.From))
		for _, rel := range pkg.Files {
			src := filepath.Join(opts.From, filepath.FromSlash(rel))
			dst := filepath.Join(opts.Dir, filepath.FromSlash(rel))
			if err := linkOrCopy(src, dst); err != nil {
				return nil, fmt.Errorf("package %s: %w", pkg.Name, err)
			}
		}
		mp, err := describe(opts.Dir, pkg, installedVersion(ctx, opts.From, pkg.Name))
		if err != nil {
			return nil, err
		}
		m.Packages = append(m.Packages, mp)
	}
	return m, nil
}

// installedVersion asks the package database under root for a version,
// or returns "unknown".
func installedVersion(ctx context.Context, root, name string) string {
	admin := filepath.Join(root, "var", "lib", "dpkg")
	out, err := run(ctx, "", "dpkg-query", "--admindir="+admin, "-W", "-f=${Version}", name)
	if v := strings.TrimSpace(string(out)); err == nil && v != "" {
		return v
	}
	return "unknown"
}

// linkOrCopy makes dst a hard link to src or, when linking fails, a copy,
// replacing dst through a rename.
func linkOrCopy(src, dst string) error {
	if same, err := sameFile(src, dst); err == nil && same {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp := dst + ".cem-tmp"
	os.Remove(tmp)
	if err := os.Link(src, tmp); err == nil {
		return os.Rename(tmp, dst)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return atomicfile.WriteFile(dst, func(w io.Writer) error {
		if _, err := io.Copy(w, in); err != nil {
			return fmt.Errorf("copy %s: %w", src, err)
		}
		return nil
	}, 0o666)
}

// sameFile reports whether a and b are the same file on disk.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// run runs a command in dir and returns its combined output.
func run(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.Bytes(), err
}

// tail returns the last lines of a command's output for an error message.
func tail(out []byte) string {
	s := strings.TrimSpace(string(out))
	if len(s) > 800 {
		s = "..." + s[len(s)-800:]
	}
	return s
}
