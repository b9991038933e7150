// Package input turns the files a user points the scanner at into one snapshot. Every kind
// of input (snapshot JSON, AWS CLI exports, Terraform plans, CloudFormation templates)
// becomes the same snapshot, so the same rules judge all of them.
package input

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/dbaudit/scanner/internal/snapshot"
)

// Options carry what the files may not say themselves.
type Options struct {
	// Region and Account are used when neither the data nor the directory names say.
	Region  string
	Account string
}

// Load reads files and directories (recursively) and merges them into one snapshot.
// Errors name the file and the place in it, on one line.
func Load(ctx context.Context, paths []string, opts Options) (*snapshot.Snapshot, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	var parts []*snapshot.Snapshot
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, unwrapPathError(err))
		}
		s, err := snapshot.Decode(f, data)
		if err != nil {
			return nil, err
		}
		parts = append(parts, s)
	}
	return Merge(parts...), nil
}

// expand lists the files named by paths; directories are walked for *.json files.
func expand(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, unwrapPathError(err))
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("read %s: %w", path, unwrapPathError(err))
			}
			if !d.IsDir() && filepath.Ext(path) == ".json" {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("read %s: no input files in directory", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if ok := asPathError(err, &pe); ok {
		return pe.Err
	}
	return err
}

func asPathError(err error, target **fs.PathError) bool {
	pe, ok := err.(*fs.PathError)
	if ok {
		*target = pe
	}
	return ok
}

// Merge combines snapshots: accounts and regions with the same id are merged, their
// resources appended, gaps concatenated. A single snapshot is returned as is.
func Merge(parts ...*snapshot.Snapshot) *snapshot.Snapshot {
	if len(parts) == 1 {
		return parts[0]
	}
	out := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Accounts: []snapshot.Account{}}
	accountIdx := map[string]int{}
	for _, p := range parts {
		if out.GeneratedAt == "" || p.GeneratedAt > out.GeneratedAt {
			out.GeneratedAt = p.GeneratedAt
		}
		if p.Source != nil {
			if out.Source == nil {
				out.Source = &snapshot.Source{Kind: p.Source.Kind}
			}
			out.Source.Files = append(out.Source.Files, p.Source.Files...)
		}
		out.CollectionGaps = append(out.CollectionGaps, p.CollectionGaps...)
		for _, a := range p.Accounts {
			i, ok := accountIdx[a.AccountID]
			if !ok {
				accountIdx[a.AccountID] = len(out.Accounts)
				out.Accounts = append(out.Accounts, snapshot.Account{AccountID: a.AccountID})
				i = len(out.Accounts) - 1
			}
			out.Accounts[i].Regions = mergeRegions(out.Accounts[i].Regions, a.Regions)
		}
	}
	return out
}

func mergeRegions(dst, src []snapshot.Region) []snapshot.Region {
	for _, r := range src {
		found := false
		for i := range dst {
			if dst[i].Region == r.Region {
				snapshot.MergeRegion(&dst[i], r)
				found = true
				break
			}
		}
		if !found {
			dst = append(dst, r)
		}
	}
	return dst
}
