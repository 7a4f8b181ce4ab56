package io.farthing.auth.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** Small builders for black-box calls through auth-svc's own REST API. */
public final class Api {
  public static final String PASSWORD = "correct horse battery staple";

  private Api() {}

  /** A fresh, unique user: tests never share accounts. */
  public record TestUser(String id, String email, String password) {}

  public record Tokens(String accessToken, String refreshToken) {}

  public static String uniqueEmail() {
    return "u-" + UUID.randomUUID() + "@example.test";
  }

  public static TestUser aUser() {
    String email = uniqueEmail();
    String id =
        json()
            .body(Map.of("email", email, "password", PASSWORD))
            .post("/v1/users")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return new TestUser(id, email, PASSWORD);
  }

  public static Response login(String email, String password) {
    return json().body(Map.of("email", email, "password", password)).post("/v1/auth/login");
  }

  public static Tokens signIn(TestUser user) {
    Response response = login(user.email(), user.password());
    response.then().statusCode(200);
    return new Tokens(response.path("accessToken"), response.path("refreshToken"));
  }

  /** The claims of a JWT, read without verifying it (the service under test verified it). */
  public static JsonPath claims(String jwt) {
    String payload = jwt.split("\\.")[1];
    return JsonPath.from(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
  }

  public static RequestSpecification json() {
    return given().contentType(ContentType.JSON).accept(ContentType.JSON);
  }

  public static RequestSpecification as(String accessToken) {
    return json().header("Authorization", "Bearer " + accessToken);
  }
}
