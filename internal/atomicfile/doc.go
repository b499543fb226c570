// Package atomicfile replaces files atomically: the new contents go to a
// temporary file in the destination's folder, which is flushed, synced to
// disk, closed and then renamed over the destination. Readers see either
// the old file or the complete new one, never a partial write, and a
// failed write leaves the destination untouched and no temporary file
// behind.
//
// Temporary files are named "." + base + ".tmp" + a random suffix, so they
// are hidden and sit beside the file they will replace (a rename across
// file systems would not be atomic).
package atomicfile
