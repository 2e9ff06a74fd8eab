"""OpenTelemetry set-up: one trace follows a request from the gateway through gRPC into a
service and through NATS to a consumer.

Spans go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, to a JSON-lines file when
C360_TRACE_FILE is set (the test suite reads it), and nowhere otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path

import orjson
from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)

from runtime.config import Settings


class JsonLinesSpanExporter(SpanExporter):
    """Appends one JSON object per finished span to a file shared by several processes."""

    def __init__(self, path: str, service: str) -> None:
        self._path = Path(path)
        self._service = service
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = []
        for span in spans:
            span_context = span.get_span_context()
            if span_context is None:
                continue
            lines.append(
                orjson.dumps(
                    {
                        "service": self._service,
                        "name": span.name,
                        "kind": span.kind.name,
                        "trace_id": format(span_context.trace_id, "032x"),
                        "span_id": format(span_context.span_id, "016x"),
                        "parent_id": format(span.parent.span_id, "016x") if span.parent else None,
                        "start_ns": span.start_time,
                        "end_ns": span.end_time,
                        "attributes": dict(span.attributes or {}),
                    },
                    default=str,
                )
            )
        with self._lock, self._path.open("ab") as out:
            # One write per batch, opened in append mode, so lines from processes do not mix.
            out.write(b"".join(line + b"\n" for line in lines))
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None


def configure_telemetry(service: str, settings: Settings) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if settings.trace_file:
        provider.add_span_processor(
            SimpleSpanProcessor(JsonLinesSpanExporter(settings.trace_file, service))
        )
    trace.set_tracer_provider(provider)
    return provider


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def inject_context(carrier: MutableMapping[str, str]) -> MutableMapping[str, str]:
    """Write the current trace context (W3C traceparent) into headers or metadata."""
    propagate.inject(carrier)
    return carrier


def extract_context(carrier: Mapping[str, str]) -> context.Context:
    return propagate.extract(carrier)
