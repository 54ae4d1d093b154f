{{- /*
istio-pack.merge: (list base overlay nullRemoves) -> JSON of overlay layered on base: maps merge key by
key, other values replace. A null in overlay removes the key when nullRemoves (values-file layering),
and keeps the base value otherwise (list items completed with their defaults: Helm does not default
list items).
*/ -}}
{{- define "istio-pack.merge" -}}
{{- $result := deepCopy (default (dict) (index . 0)) -}}
{{- $nullRemoves := index . 2 -}}
{{- range $key, $value := (default (dict) (index . 1)) -}}
{{- if kindIs "invalid" $value -}}
{{- if $nullRemoves }}{{- $_ := unset $result $key -}}{{- end -}}
{{- else if and (kindIs "map" $value) (kindIs "map" (get $result $key)) -}}
{{- $_ := set $result $key (include "istio-pack.merge" (list (get $result $key) $value $nullRemoves) | fromJson) -}}
{{- else -}}
{{- $_ := set $result $key $value -}}
{{- end -}}
{{- end -}}
{{- toJson $result -}}
{{- end -}}
