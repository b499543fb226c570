package kernel

import (
	"slices"
	"testing"
)

func TestChoose(t *testing.T) {
	sets := availableSets()
	best := sets[0].name
	for _, tc := range []struct{ env, want string }{
		{"", best},
		{"generic", "generic"},
		{"no-such-path", best},
	} {
		if got := choose(sets, tc.env).name; got != tc.want {
			t.Errorf("choose(%s=%q) = %q; want %q", EnvKernel, tc.env, got, tc.want)
		}
	}
	for _, p := range Paths() {
		if got := choose(sets, p).name; got != p {
			t.Errorf("choose(%s=%q) = %q; want %q", EnvKernel, p, got, p)
		}
	}
}

func TestPaths(t *testing.T) {
	paths := Paths()
	if len(paths) == 0 || paths[len(paths)-1] != "generic" {
		t.Fatalf("Paths() = %v; want a list ending in generic", paths)
	}
	if !slices.Contains(paths, Path()) {
		t.Errorf("Path() = %q; not in Paths() = %v", Path(), paths)
	}
	restore, ok := useKernel("generic")
	if !ok || Path() != "generic" {
		t.Fatalf("useKernel(generic): ok=%v, Path() = %q", ok, Path())
	}
	restore()
	if _, ok := useKernel("no-such-path"); ok {
		t.Errorf("useKernel(no-such-path) ok = true; want false")
	}
}

func TestPeakGFLOPS(t *testing.T) {
	if g := PeakGFLOPS(1, 5e6); !(g > 0) {
		t.Errorf("PeakGFLOPS(1, 5ms) = %v; want > 0", g)
	}
}
