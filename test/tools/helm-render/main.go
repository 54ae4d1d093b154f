// helm-render renders a Helm chart the way `helm template` does, for machines without the helm binary.
//
// It is built from the libraries Helm's own engine uses — Go's text/template, sprig and
// sigs.k8s.io/yaml — and follows Helm's rules: values.yaml coalesced with -f files (maps merge,
// null deletes), .Release/.Chart/.Capabilities/.Template, the include/tpl/required/toYaml/fromYaml/
// toJson/fromJson/lookup functions, all templates parsed together (so defines are shared), files
// under templates/ starting with "_" not rendered, "missingkey=zero" with "<no value>" removed,
// .Files with Get/GetBytes/Lines/Glob over the chart's other files.
//
// Usage: helm-render [-f values.yaml]... <chart-dir>
// Prints every rendered document after a "# Source: <chart>/templates/<file>" line, like helm template.
// A template error (including `fail`) is printed on stderr with exit code 1.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// chartFiles is .Files: the chart's files outside templates/, as Helm exposes them.
type chartFiles map[string][]byte

func (f chartFiles) Get(name string) string     { return string(f[name]) }
func (f chartFiles) GetBytes(name string) []byte { return f[name] }
func (f chartFiles) Lines(name string) []string {
	text := strings.TrimSuffix(string(f[name]), "\n")
	if text == "" {
		return []string{}
	}
	return strings.Split(text, "\n")
}
func (f chartFiles) Glob(pattern string) chartFiles {
	result := chartFiles{}
	for name, data := range f {
		if ok, _ := filepath.Match(pattern, name); ok {
			result[name] = data
		}
	}
	return result
}

func loadFiles(chartDir string) (chartFiles, error) {
	files := chartFiles{}
	err := filepath.WalkDir(chartDir, func(full string, entry os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		relative, _ := filepath.Rel(chartDir, full)
		if entry.IsDir() {
			if relative == "templates" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(full)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(relative)] = data
		return nil
	})
	return files, err
}

type chartMeta struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	AppVersion string `json:"appVersion"`
}

func readYAMLMap(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if values == nil {
		values = map[string]interface{}{}
	}
	return values, nil
}

// coalesce layers `overlay` on `base` as Helm does for -f files: maps merge, other values replace,
// null removes the key.
func coalesce(base, overlay map[string]interface{}) map[string]interface{} {
	result := map[string]interface{}{}
	for k, v := range base {
		result[k] = v
	}
	for k, v := range overlay {
		if v == nil {
			delete(result, k)
			continue
		}
		baseMap, baseIsMap := result[k].(map[string]interface{})
		overlayMap, overlayIsMap := v.(map[string]interface{})
		if baseIsMap && overlayIsMap {
			result[k] = coalesce(baseMap, overlayMap)
		} else {
			result[k] = v
		}
	}
	return result
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	var a []interface{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func main() {
	var valueFiles []string
	args := os.Args[1:]
	var chartDir string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-f", "--values":
			i++
			valueFiles = append(valueFiles, args[i])
		default:
			chartDir = args[i]
		}
	}
	if chartDir == "" {
		fmt.Fprintln(os.Stderr, "usage: helm-render [-f values.yaml]... <chart-dir>")
		os.Exit(2)
	}
	if err := render(chartDir, valueFiles); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func render(chartDir string, valueFiles []string) error {
	chartData, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	var meta chartMeta
	if err := yaml.Unmarshal(chartData, &meta); err != nil {
		return fmt.Errorf("Chart.yaml: %v", err)
	}
	values, err := readYAMLMap(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, file := range valueFiles {
		overlay, err := readYAMLMap(file)
		if err != nil {
			return err
		}
		values = coalesce(values, overlay)
	}

	templateDir := filepath.Join(chartDir, "templates")
	entries, err := os.ReadDir(templateDir)
	if err != nil {
		return err
	}
	var names []string
	for _, entry := range entries {
		name := entry.Name()
		if entry.IsDir() || !(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".tpl") || strings.HasSuffix(name, ".txt")) {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)

	root := template.New("chart")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	includedNames := map[string]int{}
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["toJson"] = toJSON
	funcs["fromJson"] = fromJSON
	funcs["fromJsonArray"] = fromJSONArray
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) { return map[string]interface{}{}, nil }
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, fmt.Errorf("%s", message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, fmt.Errorf("%s", message)
		}
		return value, nil
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		if includedNames[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		includedNames[name]++
		defer func() { includedNames[name]-- }()
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	root.Funcs(funcs).Option("missingkey=zero")

	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(templateDir, name))
		if err != nil {
			return err
		}
		if _, err := root.New(meta.Name + "/templates/" + name).Parse(string(data)); err != nil {
			return err
		}
	}

	files, err := loadFiles(chartDir)
	if err != nil {
		return err
	}
	top := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": "istio", "Namespace": "istio-system", "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart":   map[string]interface{}{"Name": meta.Name, "Version": meta.Version, "AppVersion": meta.AppVersion},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30", "GitVersion": "v1.30.0"},
			"APIVersions": []string{},
		},
		"Files": files,
	}
	separator := regexp.MustCompile(`(?:^|\s*\n)---\s*`)
	var out strings.Builder
	for _, name := range names {
		if strings.HasPrefix(name, "_") || strings.HasSuffix(name, ".txt") {
			continue
		}
		full := meta.Name + "/templates/" + name
		top["Template"] = map[string]interface{}{"Name": full, "BasePath": meta.Name + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, full, top); err != nil {
			return err
		}
		rendered := strings.ReplaceAll(buf.String(), "<no value>", "")
		for _, document := range separator.Split(rendered, -1) {
			if strings.TrimSpace(document) == "" {
				continue
			}
			out.WriteString("---\n# Source: " + full + "\n" + strings.TrimSpace(document) + "\n")
		}
	}
	fmt.Print(out.String())
	return nil
}
