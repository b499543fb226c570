package demodata_test

import (
	"testing"

	"github.com/cemlab/cem/demodata"
	"github.com/cemlab/cem/demodata/demotest"
)

// TestFactbookPin checks the pinned digest against the real Factbook when
// it is here (the shared copy is the pinned revision's files).
func TestFactbookPin(t *testing.T) {
	dir := demotest.Factbook(t)
	got, n, err := demodata.ContentDigest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got != demodata.FactbookSHA256 {
		t.Errorf("demodata.ContentDigest(%s) = %s over %d files; want the pinned %s (is it another revision?)", dir, got, n, demodata.FactbookSHA256)
	}
}
