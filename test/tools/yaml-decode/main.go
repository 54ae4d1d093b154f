// Command yaml-decode is a test helper for istio-pack: it reads multi-document YAML files and prints
// every document as sigs.k8s.io/yaml decodes it (YAMLToJSON), which is how kubectl and the API
// server read manifests. Go's YAML library follows YAML 1.1 rules: `1_000`, `0x_1F`, `yes` or `~`
// become numbers, booleans or null unless they are quoted, which is what the tests look for.
//
// Usage: yaml-decode FILE... prints one JSON object on stdout:
//
//	{ "files": [ { "path": "FILE", "documents": [ <JSON of each document> ], "error": "..." } ] }
//
// Documents are split like Kubernetes' YAMLReader: at lines that start with `---` followed by
// nothing, spaces or a comment. Empty documents (and documents that decode to null) are left out,
// as kubectl leaves them out. "error" is set (and "documents" holds those before it) when a
// document does not decode.
//
// Build (GOPATH mode, Debian packages golang-go and golang-k8s-sigs-yaml-dev):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o yaml-decode .
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

type fileResult struct {
	Path      string            `json:"path"`
	Documents []json.RawMessage `json:"documents"`
	Error     string            `json:"error,omitempty"`
}

type output struct {
	Files []fileResult `json:"files"`
}

// splitDocuments cuts a stream at document separator lines.
func splitDocuments(data []byte) [][]byte {
	var documents [][]byte
	var current bytes.Buffer
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if isSeparator(line) {
			documents = append(documents, append([]byte(nil), current.Bytes()...))
			current.Reset()
			continue
		}
		current.WriteString(line)
		current.WriteByte('\n')
	}
	return append(documents, current.Bytes())
}

func isSeparator(line string) bool {
	if !strings.HasPrefix(line, "---") {
		return false
	}
	rest := strings.TrimSpace(line[3:])
	return rest == "" || strings.HasPrefix(rest, "#")
}

func decodeFile(path string) fileResult {
	result := fileResult{Path: path, Documents: []json.RawMessage{}}
	data, err := os.ReadFile(path)
	if err != nil {
		result.Error = err.Error()
		return result
	}
	for index, document := range splitDocuments(data) {
		converted, err := yaml.YAMLToJSON(document)
		if err != nil {
			result.Error = fmt.Sprintf("document %d: %v", index, err)
			return result
		}
		if string(converted) == "null" {
			continue
		}
		result.Documents = append(result.Documents, json.RawMessage(converted))
	}
	return result
}

func main() {
	out := output{Files: []fileResult{}}
	for _, path := range os.Args[1:] {
		out.Files = append(out.Files, decodeFile(path))
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
