// Package dictd reads dictionaries in the dictd format: a sorted .index
// file of "headword<TAB>offset<TAB>length" lines, where offset and length
// are numbers written in dictd's base-64 digits, and a .dict (plain) or
// .dict.dz (dictzip: gzip whose extra field lists random-access chunks)
// file holding the entry texts.
//
// The package knows the file format only: it returns entries and their raw
// text. Cleaning a particular dictionary's markup into plain text is the
// job of its reader in package knowledge.
package dictd
