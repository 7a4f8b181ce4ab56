package io.farthing.payments.settlement;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Selects the {@link PayoutGateway} named by {@code payments.settlement.gateway}. */
@ApplicationScoped
public class PayoutGateways {

  @Produces
  @ApplicationScoped
  PayoutGateway gateway(SettlementConfig config, SandboxPayoutGateway sandbox) {
    return switch (config.gateway()) {
      case SANDBOX -> sandbox;
    };
  }
}
