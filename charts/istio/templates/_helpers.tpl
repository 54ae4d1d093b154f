{{- /*
istio-pack.merge: (list base overlay) -> JSON of overlay layered on base, as values files layer:
maps merge key by key, other values replace, null removes the key.
*/ -}}
{{- define "istio-pack.merge" -}}
{{- $result := deepCopy (default (dict) (index . 0)) -}}
{{- range $key, $value := (default (dict) (index . 1)) -}}
{{- if kindIs "invalid" $value -}}
{{- $_ := unset $result $key -}}
{{- else if and (kindIs "map" $value) (kindIs "map" (get $result $key)) -}}
{{- $_ := set $result $key (include "istio-pack.merge" (list (get $result $key) $value) | fromJson) -}}
{{- else -}}
{{- $_ := set $result $key $value -}}
{{- end -}}
{{- end -}}
{{- toJson $result -}}
{{- end -}}

{{- /*
istio-pack.withDefaults: (list defaults item) -> JSON of a list item completed with the model's
defaults for it (Helm does not default list items); a null in the item keeps the default.
*/ -}}
{{- define "istio-pack.withDefaults" -}}
{{- $result := deepCopy (index . 0) -}}
{{- range $key, $value := (default (dict) (index . 1)) -}}
{{- if kindIs "invalid" $value -}}
{{- else if and (kindIs "map" $value) (kindIs "map" (get $result $key)) -}}
{{- $_ := set $result $key (include "istio-pack.withDefaults" (list (get $result $key) $value) | fromJson) -}}
{{- else -}}
{{- $_ := set $result $key $value -}}
{{- end -}}
{{- end -}}
{{- toJson $result -}}
{{- end -}}
