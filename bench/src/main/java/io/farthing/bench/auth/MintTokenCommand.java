package io.farthing.bench.auth;

import io.farthing.bench.load.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Makes the key directory (and its JWKS file, for the service under test) if needed and prints a
 * token signed with it: scripts/bench-risk runs this before it starts risk-svc.
 */
@Command(
    name = "mint-token",
    mixinStandardHelpOptions = true,
    description = "Prints a client access token signed with the key in --jwt-key-dir (made, with jwks.json, if absent).")
public class MintTokenCommand implements Callable<Integer> {
  @Option(names = "--jwt-key-dir", required = true, description = "Directory of the signing key and jwks.json.")
  Path keyDir;

  @Option(names = "--client", defaultValue = "farthing-bench", description = "The token's subject (default: ${DEFAULT-VALUE}).")
  String client;

  @Option(names = "--scope", split = ",", defaultValue = "risk:score", description = "Scopes (default: ${DEFAULT-VALUE}).")
  String[] scopes;

  @Option(names = "--ttl", defaultValue = "15m", converter = DurationConverter.class, description = "Lifetime (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Override
  public Integer call() {
    BenchTokens tokens = BenchTokens.in(keyDir);
    System.err.println("JWKS: " + tokens.jwksFile().toUri());
    System.out.println(tokens.client(client, ttl, scopes));
    return 0;
  }
}
