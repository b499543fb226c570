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
// The CIA World Factbook is not fetched: it is a shared folder found by
// FactbookDir.
//
// Environment variables read by this package (and only here):
//
//	CEM_DATA      the data root (default <user cache dir>/cem/data/root)
//	CEM_FACTBOOK  the Factbook folder (default ../shared/data/factbook
//	              next to the repository root)
package demodata
