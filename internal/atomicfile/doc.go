// Package atomicfile replaces files atomically: the new contents go to a
// temporary file in the destination's folder, which is flushed, synced to
// disk, closed and then renamed over the destination. Readers see either
// the old file or the complete new one, never a partial write, and a
// failed write leaves the destination untouched and no temporary file
// behind.
//
// Temporary files are named "." + base + ".cemtmp-" + random digits, so
// they are hidden and sit beside the file they will replace (a rename
// across file systems would not be atomic). A process killed mid-write
// leaves its temporary file behind; IsTemp recognises such files and
// RemoveTemps deletes them, for callers that hold the folder (the run
// loop does so under its run-folder lock).
package atomicfile
