// Package demodata fetches the demo corpora cem is tested and demonstrated
// on, and says where their files live.
//
// The demo data are five Debian packages (wordnet-base, dict-gcide,
// dict-foldoc, dict-elements and bsdgames) unpacked, without root
// privileges, into a data root that keeps the system-install layout
// (usr/share/wordnet, usr/share/dictd, usr/share/games/bsdgames/quiz).
// Fetch downloads them with apt-get and unpacks them with dpkg-deb, or
// copies the files from an existing system install, and records what it
// used in a manifest so that a second fetch does nothing.
//
// The CIA World Factbook comes from its public upstream at a pinned
// revision, checked by the SHA-256 of its content (FetchFactbook, into
// <root>/factbook), or, where that is not reachable, from $CEM_FACTBOOK
// or ../shared/data/factbook; FactbookDir finds it.
//
// Environment variables read by this package (and only here):
//
//	CEM_DATA      the data root (default <user cache dir>/cem/data/root)
//	CEM_FACTBOOK  the Factbook folder (default <root>/factbook when
//	              fetched, else ../shared/data/factbook next to the
//	              repository root)
package demodata
