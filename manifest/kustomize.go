package manifest

import (
	"fmt"
	"path/filepath"
	"sync"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// LoadKustomizations builds each kustomization directory, in the order
// given, and returns the cluster that the built resources describe, as
// `kubectl apply -k DIR` would see them.
//
// A build runs in process with the kustomize library and the options that
// kubectl uses by default: resources in the order the kustomization files
// give them, files only from within a kustomization's root (bases and
// components are kustomizations of their own), no plugins and no Helm
// charts. Remote bases given as URLs are fetched as kustomize fetches them.
// The resources of a build are then read exactly like the documents of a
// manifest file (see the package documentation), and objects from different
// builds share one namespace of names: the same object built by two
// kustomizations is a duplicate.
//
// In problems and notices, [Source.File] is the kustomization file
// (DIR/kustomization.yaml, or the name kustomize found), [Source.Document]
// counts the resources of that build's output from 0, and [Source.Line] is
// 0, since the output is not a file the user has (nor does a duplicate's
// "first defined at" name a line of it). A build that fails is one problem
// naming the kustomization file, with Document -1 and kustomize's message,
// at its place: problems come in the order of the directories, as the
// problems of files come in the order of the files.
//
// Builds are serialized: kustomize keeps process-wide state. With no
// directories, the result is an empty cluster. On any problem
// LoadKustomizations returns a nil Result and an *[Error] that lists all of
// them.
func LoadKustomizations(dirs ...string) (*Result, error) {
	return Options{}.LoadKustomizations(dirs...)
}

// LoadKustomizations is [LoadKustomizations] within the options o.
func (o Options) LoadKustomizations(dirs ...string) (*Result, error) {
	return o.loadKustomizations(filesys.MakeFsOnDisk(), dirs)
}

// loadKustomizations builds the kustomizations in dirs on fsys and loads
// their output.
func (o Options) loadKustomizations(fsys filesys.FileSystem, dirs []string) (*Result, error) {
	l := newLoader(o)
	for _, dir := range dirs {
		l.kustomization(fsys, dir)
	}
	return l.result()
}

// kustomizeMu serializes builds: kustomize keeps the OpenAPI schema that a
// kustomization selects (its openapi field) in package state, so that two
// builds at once could merge patches with each other's schema.
var kustomizeMu sync.Mutex

// kustomization builds the kustomization in dir on fsys and queues the
// output's documents, or the failed build as a problem, at their place in
// the input. The documents carry no lines: the build output is not a file
// the user has, so neither their sources nor the messages that quote them
// (a duplicate's "first defined at") may point into it.
func (l *loader) kustomization(fsys filesys.FileSystem, dir string) {
	name := kustomizationFile(fsys, dir)
	out, err := kustomizeBuild(fsys, dir)
	if err != nil {
		src := Source{File: name, Document: -1}
		l.docs = append(l.docs, &doc{src: src, problem: &Problem{
			Source:  src,
			Message: "kustomize build: " + oneLine(err.Error()),
			Err:     err,
		}})
		return
	}
	// The build's output counts against the limit of the load as input
	// read from files does.
	if size := int64(len(out)); size > l.opts.maxBytes()-l.bytesRead {
		p := l.limitProblem(name, size)
		l.docs = append(l.docs, &doc{src: p.Source, problem: p})
		return
	}
	l.bytesRead += int64(len(out))
	first := len(l.docs)
	l.split(name, out, false, nil, nil)
	for _, d := range l.docs[first:] {
		d.src.Line, d.lineBase, d.lines = 0, 0, nil
		if d.problem != nil {
			d.problem.Source.Line = 0
		}
	}
}

// kustomizationFile returns the path of the kustomization file in dir, the
// first of the names kustomize recognizes that exists, or
// dir/kustomization.yaml when there is none.
func kustomizationFile(fsys filesys.FileSystem, dir string) string {
	names := konfig.RecognizedKustomizationFileNames()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if fsys.Exists(p) && !fsys.IsDir(p) {
			return p
		}
	}
	return filepath.Join(dir, names[0])
}

// kustomizeBuild runs kustomize on dir and returns its output as a YAML
// stream, one document per resource. A panic inside kustomize is returned
// as an error: no input may crash the caller.
func kustomizeBuild(fsys filesys.FileSystem, dir string) (out []byte, err error) {
	kustomizeMu.Lock()
	defer kustomizeMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("kustomize failed: %v", r)
		}
	}()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(fsys, dir)
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}
