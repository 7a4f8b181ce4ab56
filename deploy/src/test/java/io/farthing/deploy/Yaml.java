package io.farthing.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** YAML in and out (Jackson), multi-document splitting, and Helm's way of merging values. */
final class Yaml {

  static final YAMLMapper MAPPER = new YAMLMapper();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");

  private Yaml() {
  }

  static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node == null ? MAPPER.createObjectNode() : node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not YAML: " + e.getOriginalMessage(), e);
    }
  }

  static JsonNode read(Path file) {
    return parse(Repo.read(file));
  }

  /** The documents of a multi-document stream, each with its own text; empty documents dropped. */
  static List<Document> documents(String stream) {
    List<Document> documents = new ArrayList<>();
    for (String text : DOCUMENT_SEPARATOR.split(stream)) {
      JsonNode node = parse(text);
      if (node.isObject() && !node.isEmpty()) {
        documents.add(new Document(text.strip(), node));
      } else if (!node.isObject() && !node.isNull() && !node.isMissingNode() && !node.isEmpty()) {
        throw new IllegalArgumentException("a document that is not a mapping: " + text.strip());
      }
    }
    return documents;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, JsonNode node) {
    try {
      MAPPER.writeValue(file.toFile(), node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Helm's coalescing of a values file over the chart's values: maps merge key by key, anything
   * else replaces, and a null removes the key. Returns a new tree; neither input changes.
   */
  static JsonNode merge(JsonNode base, JsonNode override) {
    if (override == null || override.isMissingNode()) {
      return base.deepCopy();
    }
    if (!base.isObject() || !override.isObject()) {
      return override.deepCopy();
    }
    ObjectNode merged = base.deepCopy();
    Iterator<Map.Entry<String, JsonNode>> fields = override.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      if (value.isNull()) {
        merged.remove(field.getKey());
      } else if (merged.has(field.getKey())) {
        merged.set(field.getKey(), merge(merged.get(field.getKey()), value));
      } else {
        merged.set(field.getKey(), value.deepCopy());
      }
    }
    return merged;
  }

  /** One document of a stream: its text as rendered (comments and all) and its tree. */
  record Document(String text, JsonNode node) {
  }
}
