import { trace } from "@opentelemetry/api";
import pino, { type Logger } from "pino";

import { getConfig } from "./config";

let logger: Logger | undefined;

/** JSON lines on stdout, one per event, ready for any log shipper. */
export function getLogger(): Logger {
  if (!logger) {
    const config = getConfig();
    logger = pino({
      level: config.LOG_LEVEL,
      base: { service: config.OTEL_SERVICE_NAME },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Ties each line to its trace when tracing is on.
      mixin() {
        const span = trace.getActiveSpan();
        return span ? { trace_id: span.spanContext().traceId } : {};
      },
    });
  }
  return logger;
}
