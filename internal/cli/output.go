package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// outputFile is a file the scanner will write. planOutput checks it before any collection,
// evaluation or rendering, so a bad path fails the run (exit 2) with nothing written.
//
// How it is written:
//   - An existing non-regular file (a device such as /dev/null, a FIFO, /dev/stdout when it
//     is a terminal or a pipe) is opened and written, never replaced.
//   - A regular file, or a new one, is written to a temporary file in the target's directory
//     and renamed over the target. A symlink is followed: its target is replaced and the link
//     kept. A replaced file keeps its permission bits; a new file gets 0666 less the umask
//     (the kernel applies it when the temporary file is created).
type outputFile struct {
	path    string      // as given
	inPlace bool        // an existing non-regular file: open and write
	target  string      // regular or new file: path with its symlinks resolved
	exists  bool        // target is an existing regular file, replaced keeping perm
	perm    fs.FileMode // its permission bits
}

// maxLinks bounds symlink chains, as the kernel does (ELOOP after 40).
const maxLinks = 40

// planOutput checks that path can be written: it is not a directory, and for a regular or a
// new file its directory exists and accepts new files (a temporary file is created there and
// removed, which is what the real write does).
func planOutput(path string) (*outputFile, error) {
	if path == "" {
		return nil, errors.New("output: empty file name")
	}
	st, statErr := os.Stat(path)
	switch {
	case statErr == nil && st.IsDir():
		return nil, fmt.Errorf("output %s: is a directory", path)
	case statErr == nil && !st.Mode().IsRegular():
		return &outputFile{path: path, inPlace: true}, nil
	case statErr != nil && !errors.Is(statErr, fs.ErrNotExist):
		return nil, fmt.Errorf("output %s: %w", path, statErr)
	}
	target, err := resolveLinks(path)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", path, err)
	}
	out := &outputFile{path: path, target: target}
	if statErr == nil {
		out.exists, out.perm = true, st.Mode().Perm()
	}
	probe, err := createTemp(filepath.Dir(target), ".scanner-probe", 0o600)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("output %s: cannot create files in %s: %w", path, filepath.Dir(target), err)
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	return out, nil
}

// resolveLinks follows path's symlinks (dangling ones included: the file they name is created)
// and returns the path of the file itself, whose directory exists.
func resolveLinks(path string) (string, error) {
	p := path
	for range maxLinks {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("directory %s does not exist", filepath.Dir(p))
		}
		if err != nil {
			return "", err
		}
		p = filepath.Join(dir, filepath.Base(p))
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if fi.IsDir() {
				return "", errors.New("is a directory")
			}
			return p, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(dir, link)
		}
		p = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// createTemp creates a new file next to the target with a random suffix. Unlike
// os.CreateTemp it takes the permission bits, which the umask then reduces.
func createTemp(dir, prefix string, perm fs.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("create a temporary file in %s: too many attempts", dir)
}

// stagedFile is an output ready to be committed: its data in a synced temporary file, or
// the non-regular file opened for writing.
type stagedFile struct {
	out  *outputFile
	data []byte
	file *os.File // inPlace: the open file
	tmp  string   // otherwise: the temporary file's name
	done bool
}

// stage prepares data for out without touching the target: a temporary file holding data,
// or the non-regular file opened for writing (a FIFO waits here for its reader).
func (out *outputFile) stage(data []byte) (*stagedFile, error) {
	if out.inPlace {
		f, err := os.OpenFile(out.path, os.O_WRONLY, 0)
		if err != nil {
			return nil, writeError(out.path, err)
		}
		return &stagedFile{out: out, data: data, file: f}, nil
	}
	f, err := createTemp(filepath.Dir(out.target), "."+filepath.Base(out.target), 0o666)
	if err != nil {
		return nil, writeError(out.path, err)
	}
	s := &stagedFile{out: out, tmp: f.Name()}
	err = func() error {
		if _, err := f.Write(data); err != nil {
			return err
		}
		if out.exists {
			// Keep a replaced file's mode exactly, whatever the umask.
			if err := f.Chmod(out.perm); err != nil {
				return err
			}
		}
		return f.Sync()
	}()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(s.tmp)
		return nil, writeError(out.path, err)
	}
	return s, nil
}

// commit writes the staged data to its target: rename over it, or write into it.
func (s *stagedFile) commit() error {
	s.done = true
	if s.file != nil {
		_, err := s.file.Write(s.data)
		if cerr := s.file.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return writeError(s.out.path, err)
		}
		return nil
	}
	if err := os.Rename(s.tmp, s.out.target); err != nil {
		_ = os.Remove(s.tmp)
		return writeError(s.out.path, err)
	}
	return nil
}

// abort drops a staged file that was not committed; the target is untouched.
func (s *stagedFile) abort() {
	if s.done {
		return
	}
	s.done = true
	if s.file != nil {
		_ = s.file.Close()
		return
	}
	_ = os.Remove(s.tmp)
}

// writeOutputFile writes data to path as planOutput and stage describe, for commands that write
// one file (collect -o, rules doc -o). Cancellation before the commit leaves path untouched.
func writeOutputFile(ctx context.Context, path string, data []byte) error {
	out, err := planOutput(path)
	if err != nil {
		return err
	}
	s, err := out.stage(data)
	if err != nil {
		return err
	}
	defer s.abort()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return s.commit()
}

// writeError names path once: the os package's errors name the file they were about (the
// temporary file, or path itself), which the message replaces by path.
func writeError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("write %s: %w", path, err)
}

// refuseOverwritingInputs refuses an output file that is one of the scan's input files
// (followed through symlinks): writing the report would replace the file it judged.
func refuseOverwritingInputs(outs []output, inputs []string) error {
	for _, out := range outs {
		if out.path == "" {
			continue
		}
		ost, err := os.Stat(out.path)
		if err != nil || !ost.Mode().IsRegular() {
			continue // a new file, a device or a FIFO replaces nothing
		}
		for _, in := range inputs {
			if ist, err := os.Stat(in); err == nil && os.SameFile(ost, ist) {
				return fmt.Errorf("output %s is also an input (%s): writing the report would replace it", out.path, in)
			}
		}
	}
	return nil
}
