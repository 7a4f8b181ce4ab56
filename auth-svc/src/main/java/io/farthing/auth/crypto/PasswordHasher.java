package io.farthing.auth.crypto;

import io.farthing.auth.config.AuthConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}). Hashing is deliberately slow, so it runs
 * on a worker thread and resumes on the caller's Vert.x context (Hibernate Reactive needs that).
 */
@ApplicationScoped
public class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final Vertx vertx;
  private final AuthConfig.Password cost;
  /** A hash of a random password, verified against when the account does not exist. */
  private final String decoy;

  public PasswordHasher(Vertx vertx, AuthConfig config) {
    this.vertx = vertx;
    this.cost = config.password();
    byte[] random = new byte[24];
    RANDOM.nextBytes(random);
    this.decoy = hashNow(B64.encodeToString(random));
  }

  public Uni<String> hash(String password) {
    return vertx.executeBlocking(Uni.createFrom().item(() -> hashNow(password)));
  }

  public Uni<Boolean> verify(String password, String phc) {
    return vertx.executeBlocking(Uni.createFrom().item(() -> verifyNow(password, phc)));
  }

  /** Spends the same time as a real check, so response time does not reveal unknown emails. */
  public Uni<Boolean> verifyDecoy(String password) {
    return verify(password, decoy).replaceWith(false);
  }

  /** True when the hash was made with a lower cost than today's and should be replaced. */
  public boolean needsRehash(String phc) {
    Parsed parsed = Parsed.of(phc);
    return parsed.memoryKib < cost.memoryKib()
        || parsed.iterations < cost.iterations()
        || parsed.parallelism < cost.parallelism();
  }

  String hashNow(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = derive(password, salt, cost.memoryKib(), cost.iterations(), cost.parallelism());
    return "$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s"
        .formatted(
            cost.memoryKib(),
            cost.iterations(),
            cost.parallelism(),
            B64.encodeToString(salt),
            B64.encodeToString(hash));
  }

  boolean verifyNow(String password, String phc) {
    Parsed parsed = Parsed.of(phc);
    byte[] actual =
        derive(password, parsed.salt, parsed.memoryKib, parsed.iterations, parsed.parallelism);
    return MessageDigest.isEqual(actual, parsed.hash);
  }

  private static byte[] derive(
      String password, byte[] salt, int memoryKib, int iterations, int parallelism) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[HASH_BYTES];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }

  private record Parsed(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
    static Parsed of(String phc) {
      String[] parts = phc.split("\\$");
      // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash]
      if (parts.length != 6 || !"argon2id".equals(parts[1])) {
        throw new IllegalArgumentException("not an argon2id PHC string");
      }
      int m = 0, t = 0, p = 0;
      for (String kv : parts[3].split(",")) {
        String[] pair = kv.split("=");
        int value = Integer.parseInt(pair[1]);
        switch (pair[0]) {
          case "m" -> m = value;
          case "t" -> t = value;
          case "p" -> p = value;
          default -> throw new IllegalArgumentException("unknown argon2 parameter " + pair[0]);
        }
      }
      return new Parsed(m, t, p, B64D.decode(parts[4]), B64D.decode(parts[5]));
    }
  }
}
