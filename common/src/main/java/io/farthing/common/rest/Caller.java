package io.farthing.common.rest;

import io.farthing.common.ApiException;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The verified caller of a REST call, read from its access token. */
public final class Caller {
  private Caller() {}

  /** The signed-in user's id; only user tokens reach routes that call this (role "user"). */
  public static UUID userId(JsonWebToken token) {
    try {
      return UUID.fromString(token.getSubject());
    } catch (RuntimeException e) {
      throw ApiException.forbidden("This call needs a user's token", "NOT_A_USER_TOKEN");
    }
  }
}
