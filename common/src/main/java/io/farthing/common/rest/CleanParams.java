package io.farthing.common.rest;

import io.farthing.common.Text;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Query and path parameters are caller's text too ({@code ?reference=%00}): a NUL or an unpaired
 * surrogate in one, once decoded, is 400 INVALID_CHARACTER before the resource runs, in every
 * service. (Bodies are checked by {@link CleanJsonText}.)
 */
public class CleanParams {
  @ServerRequestFilter
  public void refuseBadCharacters(UriInfo uri) {
    check("query parameter ", uri.getQueryParameters());
    check("path parameter ", uri.getPathParameters());
  }

  private static void check(String kind, MultivaluedMap<String, String> params) {
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      Text.requireClean("a " + kind + "name", param.getKey());
      for (String value : param.getValue()) {
        Text.requireClean(kind + param.getKey(), value);
      }
    }
  }
}
