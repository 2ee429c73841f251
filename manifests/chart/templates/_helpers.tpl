{{/*
Names are fixed, not derived from the release name: function pods call back to the Service
`control-plane` (NANOFAAS_K8S_SERVICE_NAME's default) and the code labels function pods
app=nanofaas, so there is one control plane per namespace.
*/}}
{{- define "nanofaas.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: nanofaas
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "nanofaas.controlPlaneLabels" -}}
{{ include "nanofaas.labels" (dict "root" . "name" "nanofaas-control-plane" "component" "control-plane") }}
{{- end }}

{{- define "nanofaas.functionNamespace" -}}
{{ .Values.functionNamespace | default .Release.Namespace }}
{{- end }}

{{- define "nanofaas.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* Pod labels: no managed-by/part-of, which describe the objects a tool applied, not the pods. */}}
{{- define "nanofaas.podLabels" -}}
app: nanofaas-control-plane
app.kubernetes.io/name: nanofaas-control-plane
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: control-plane
{{- end }}
