package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestUIServesAndRefusesPublicAddr starts cem ui on a free loopback port
// over an empty runs folder and refuses a non-loopback address.
func TestUIServesAndRefusesPublicAddr(t *testing.T) {
	var ue usageError
	if err := runUI(t.Context(), uiOptions{Addr: "0.0.0.0:0", Runs: t.TempDir()}, io.Discard, nil); !errors.As(err, &ue) || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("cem ui --addr 0.0.0.0:0 = %v; want a usage error about loopback", err)
	}
	t.Setenv("CEM_UI_TEST_TOKEN", "short")
	if err := runUI(t.Context(), uiOptions{Addr: "127.0.0.1:0", Runs: t.TempDir(), TokenEnv: "CEM_UI_TEST_TOKEN"}, io.Discard, nil); !errors.As(err, &ue) {
		t.Errorf("cem ui with a 5-character token = %v; want a usage error", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	ready, done := make(chan string, 1), make(chan error, 1)
	var out strings.Builder
	go func() { done <- runUI(ctx, uiOptions{Addr: "127.0.0.1:0", Runs: t.TempDir()}, &out, ready) }()
	addr := <-ready
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "No runs.") {
		t.Errorf("GET / = %d %q; want the empty runs page", resp.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("cem ui after cancel: %v", err)
	}
	if !strings.Contains(out.String(), "action token (approve/reject): ") {
		t.Errorf("cem ui did not print its token:\n%s", out.String())
	}
}
