// Package factbook reads the CIA World Factbook as JSON: a folder with one
// sub-folder per region ("africa", "europe", ...) holding one JSON file
// per country named by its two-letter GEC code ("cd.json" is Chad).
//
// Each file is a tree of sections ("Government"), fields ("Capital") and
// optional subfields ("name"), whose leaves are objects with a "text"
// member (and sometimes a "note" member). Open flattens every tree into an
// ordered list of Fields, each with its path and its text stripped of HTML
// with entities decoded, keeping the file's order.
//
// The "meta" folder (category counts, not a country) is skipped.
package factbook
