package io.warren.management.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The query parameters every RabbitMQ listing accepts: {@code columns} (keep only these,
 * dotted for nested fields), {@code sort} and {@code sort_reverse}, and pagination with
 * {@code page}, {@code page_size}, {@code name} and {@code use_regex}, which wraps the items
 * in RabbitMQ's page object.
 */
final class Listing {

  private Listing() {
  }

  static Object of(Call call, List<Map<String, Object>> items) {
    ApiRequest r = call.request();
    List<Map<String, Object>> result = new ArrayList<>(items);
    String sort = r.queryParam("sort");
    if (sort != null && !sort.isEmpty()) {
      result.sort(Comparator.comparing(m -> String.valueOf(field(m, sort)), Listing::compareValues));
      if ("true".equals(r.queryParam("sort_reverse"))) {
        java.util.Collections.reverse(result);
      }
    }
    String page = r.queryParam("page");
    if (page != null) {
      return paginate(call, result, page);
    }
    return columns(r.queryParam("columns"), result);
  }

  private static int compareValues(String a, String b) {
    try {
      return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }

  private static Object paginate(Call call, List<Map<String, Object>> all, String pageParam) {
    ApiRequest r = call.request();
    int page;
    int pageSize;
    try {
      page = Integer.parseInt(pageParam);
      pageSize = r.queryParam("page_size") == null ? 100 : Integer.parseInt(r.queryParam("page_size"));
    } catch (NumberFormatException e) {
      throw new ApiException(400, "bad_request", "invalid pagination parameters");
    }
    if (page < 1 || pageSize < 1 || pageSize > 500) {
      throw new ApiException(400, "bad_request", "invalid pagination parameters");
    }
    List<Map<String, Object>> filtered = all;
    String name = r.queryParam("name");
    if (name != null && !name.isEmpty()) {
      Pattern p;
      try {
        p = "true".equals(r.queryParam("use_regex")) ? Pattern.compile(name) : Pattern.compile(Pattern.quote(name));
      } catch (PatternSyntaxException e) {
        throw new ApiException(400, "bad_request", "invalid regular expression");
      }
      filtered = all.stream().filter(m -> p.matcher(String.valueOf(m.get("name"))).find()).toList();
    }
    int from = Math.min((page - 1) * pageSize, filtered.size());
    List<Map<String, Object>> items = filtered.subList(from, Math.min(from + pageSize, filtered.size()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("filtered_count", filtered.size());
    out.put("item_count", items.size());
    out.put("items", columns(r.queryParam("columns"), items));
    out.put("page", page);
    out.put("page_count", Math.max(1, (filtered.size() + pageSize - 1) / pageSize));
    out.put("page_size", pageSize);
    out.put("total_count", all.size());
    return out;
  }

  private static List<Map<String, Object>> columns(String columns, List<Map<String, Object>> items) {
    if (columns == null || columns.isEmpty()) {
      return items;
    }
    List<Map<String, Object>> out = new ArrayList<>(items.size());
    for (Map<String, Object> item : items) {
      Map<String, Object> kept = new LinkedHashMap<>();
      for (String column : columns.split(",")) {
        copy(item, kept, column.strip().split("\\."), 0);
      }
      out.add(kept);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void copy(Map<String, Object> from, Map<String, Object> to, String[] path, int i) {
    if (!from.containsKey(path[i])) {
      return;
    }
    Object value = from.get(path[i]);
    if (i == path.length - 1) {
      to.put(path[i], value);
    } else if (value instanceof Map<?, ?> nested) {
      Map<String, Object> target = (Map<String, Object>) to.computeIfAbsent(path[i], k -> new LinkedHashMap<>());
      copy((Map<String, Object>) nested, target, path, i + 1);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object field(Map<String, Object> m, String dotted) {
    Object value = m;
    for (String key : dotted.split("\\.")) {
      if (!(value instanceof Map<?, ?> map)) {
        return "";
      }
      value = ((Map<String, Object>) map).get(key);
    }
    return value == null ? "" : value;
  }
}
