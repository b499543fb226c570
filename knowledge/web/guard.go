package web

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// nonPublic are the address ranges a fetch is refused unless
// AllowPrivate is set, beyond those netip classifies itself (loopback,
// private, link-local, multicast, unspecified).
var nonPublic = []struct {
	prefix netip.Prefix
	what   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignment"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local NAT64"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
}

// addrClass says why ip is not a public unicast address, or "" when it
// is one.
func addrClass(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	}
	for _, r := range nonPublic {
		if r.prefix.Contains(ip) {
			return r.what
		}
	}
	return ""
}

// blockedError is a connection the guard refused.
type blockedError struct {
	IP    netip.Addr
	Class string
}

func (e *blockedError) Error() string {
	return fmt.Sprintf("%s is a %s address; refused (allow_private is off)", e.IP, e.Class)
}

// guard refuses connections to non-public addresses. It runs at dial
// time (net.Dialer.Control), after name resolution, on the address
// actually connected to, so neither a redirect nor a DNS answer that
// changes between a check and the connection (DNS rebinding) gets past
// it.
type guard struct {
	allowPrivate bool
	// allow lists prefixes let through even when allowPrivate is off
	// (tests: the loopback server that serves the pages).
	allow []netip.Prefix
}

func (g guard) check(ip netip.Addr) error {
	if g.allowPrivate {
		return nil
	}
	ip = ip.Unmap()
	for _, p := range g.allow {
		if p.Contains(ip) {
			return nil
		}
	}
	if c := addrClass(ip); c != "" {
		return &blockedError{IP: ip, Class: c}
	}
	return nil
}

// control is the net.Dialer.Control hook.
func (g guard) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("guard: %w", err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("guard: dialling %q, not an IP address", host)
	}
	return g.check(ip)
}
