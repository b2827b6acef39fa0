package dev.strata.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.check.CheckReport;
import dev.strata.check.Finding;

/** The {@code check} report: findings, and why each byte is retained. */
final class CheckView {

  private CheckView() {}

  static ObjectNode of(CheckReport report) {
    ObjectNode o = Answers.object();
    o.put("consistent", report.consistent());
    o.put("data_loss", report.dataLoss());
    o.put("verified_layers", report.verifiedLayers());
    ArrayNode findings = o.putArray("findings");
    for (Finding f : report.findings()) {
      ObjectNode row = findings.addObject();
      row.put("kind", f.kind().toString());
      row.put("subject", f.subject());
      row.put("message", f.message());
    }
    // Plain records of strings and numbers, bound by Jackson; renamed to the API's snake_case.
    o.set("retention", snakeCase(Answers.MAPPER.valueToTree(report.retention())));
    return o;
  }

  private static JsonNode snakeCase(JsonNode node) {
    if (node.isArray()) {
      ArrayNode out = Answers.MAPPER.createArrayNode();
      node.forEach(n -> out.add(snakeCase(n)));
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = Answers.object();
      node.fields().forEachRemaining(f -> out.set(f.getKey().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
          .toLowerCase(java.util.Locale.ROOT), snakeCase(f.getValue())));
      return out;
    }
    return node;
  }
}
