package io.farthing.payments.topup;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Selects the {@link FundingGateway} named by {@code payments.funding.gateway}. */
@ApplicationScoped
public class FundingGateways {

  @Produces
  @ApplicationScoped
  FundingGateway gateway(FundingConfig config, SandboxFundingGateway sandbox) {
    return switch (config.gateway()) {
      case SANDBOX -> sandbox;
    };
  }
}
