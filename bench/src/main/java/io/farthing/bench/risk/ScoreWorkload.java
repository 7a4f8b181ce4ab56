package io.farthing.bench.risk;

import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.type.v1.Money;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * A stream of Score requests that looks like a payments platform's: many users with stable
 * habits and a small share of requests that should trip the rules. Deterministic for a seed (the
 * population, and the stream when one thread draws from it).
 *
 * <p>Each user has a home city (requests are located near it), one or two known devices, a
 * stable IP, a KYC tier, a security level, a typical basket and a few favourite merchants.
 * Normal traffic: in-app, QR and NFC payments of 5–500 minor units EUR (most to a favourite
 * merchant), some P2P transfers and top-ups. About {@link #ANOMALY_SHARE} of requests are one
 * of {@link Anomaly}: what a risk engine exists to notice.
 */
public final class ScoreWorkload {
  /** Share of requests that follow one of the {@link Anomaly} patterns. */
  public static final double ANOMALY_SHARE = 0.015;

  public static final String CURRENCY = "EUR";
  static final long MIN_SMALL = 5;
  static final long MAX_SMALL = 500;
  /** Just under risk-svc's default AML limit (risk.aml.limit-minor = 100000, near = 90 %). */
  static final long NEAR_LIMIT_LOW = 90_000;
  static final long NEAR_LIMIT_HIGH = 99_999;

  /** Request patterns that should trip a rule, with their share of all anomalies. */
  public enum Anomaly {
    /** An unknown device in another country, far from home. */
    NEW_DEVICE_ABROAD(0.25),
    /** A known device, but located on another continent minutes after a payment at home. */
    IMPOSSIBLE_TRAVEL(0.20),
    /** 20-100 times the user's usual basket. */
    LARGE_AMOUNT(0.20),
    /** Gift cards worth far more than the user's usual basket. */
    CASH_EQUIVALENT(0.15),
    /** A top-up or P2P transfer just under the AML limit. */
    NEAR_LIMIT(0.10),
    /** A burst of payments by one user within seconds. */
    VELOCITY_BURST(0.10);

    final double weight;

    Anomaly(double weight) {
      this.weight = weight;
    }
  }

  private record City(String name, String country, double lat, double lon) {}

  private static final City[] HOMES = {
    new City("Berlin", "DE", 52.52, 13.40), new City("Munich", "DE", 48.14, 11.58),
    new City("Paris", "FR", 48.86, 2.35), new City("Lyon", "FR", 45.76, 4.84),
    new City("Madrid", "ES", 40.42, -3.70), new City("Barcelona", "ES", 41.39, 2.17),
    new City("Rome", "IT", 41.90, 12.50), new City("Milan", "IT", 45.46, 9.19),
    new City("Amsterdam", "NL", 52.37, 4.90), new City("Vienna", "AT", 48.21, 16.37),
    new City("Lisbon", "PT", 38.72, -9.14), new City("Dublin", "IE", 53.35, -6.26),
    new City("Brussels", "BE", 50.85, 4.35), new City("Helsinki", "FI", 60.17, 24.94),
  };

  private static final City[] FAR_AWAY = {
    new City("Singapore", "SG", 1.35, 103.82), new City("Lagos", "NG", 6.52, 3.38),
    new City("Sao Paulo", "BR", -23.55, -46.63), new City("Manila", "PH", 14.60, 120.98),
  };

  /** Merchant categories and their share of merchants; gift_cards and game_currency are cash-like. */
  private static final String[] CATEGORIES = {
    "news", "news", "music", "video", "video", "games", "games", "game_currency",
    "apps", "apps", "books", "food", "food", "transport", "podcasts", "gift_cards",
  };

  private record User(
      String id,
      String walletId,
      City home,
      double homeLat,
      double homeLon,
      String[] devices,
      String ip,
      int kycTier,
      String securityLevel,
      long typicalMinor,
      int[] favourites) {}

  private record Merchant(String id, String category) {}

  private final User[] users;
  private final Merchant[] merchants;
  private final int[] giftCardMerchants;
  private final SplittableRandom random;
  private final String runId;
  private final Map<String, LongAdder> mix = new TreeMap<>();
  private User burstUser;
  private int burstLeft;

  /**
   * @param userCount distinct paying users (≥ 1); merchants are a fiftieth of that (≥ 20)
   * @param runId makes request ids unique across runs against the same database
   */
  public ScoreWorkload(int userCount, long seed, String runId) {
    if (userCount < 1 || userCount > 10_000_000) {
      throw new IllegalArgumentException("users must be 1..10000000, was " + userCount);
    }
    this.runId = runId;
    SplittableRandom population = new SplittableRandom(seed);
    merchants = new Merchant[Math.max(20, userCount / 50)];
    for (int i = 0; i < merchants.length; i++) {
      merchants[i] = new Merchant(uuid(population), CATEGORIES[population.nextInt(CATEGORIES.length)]);
    }
    giftCardMerchants = java.util.stream.IntStream.range(0, merchants.length)
        .filter(i -> merchants[i].category().equals("gift_cards"))
        .toArray();
    users = new User[userCount];
    for (int i = 0; i < userCount; i++) {
      users[i] = newUser(population, i);
    }
    random = population.split();
    for (Anomaly a : Anomaly.values()) {
      mix.put(a.name(), new LongAdder());
    }
    mix.put("NORMAL", new LongAdder());
  }

  private User newUser(SplittableRandom r, int index) {
    City home = HOMES[r.nextInt(HOMES.length)];
    String[] devices = new String[1 + (r.nextDouble() < 0.4 ? 1 : 0)];
    for (int d = 0; d < devices.length; d++) {
      devices[d] = uuid(r);
    }
    int[] favourites = new int[3 + r.nextInt(3)];
    for (int f = 0; f < favourites.length; f++) {
      favourites[f] = popularMerchant(r);
    }
    double tier = r.nextDouble();
    double level = r.nextDouble();
    return new User(
        uuid(r),
        uuid(r),
        home,
        home.lat() + (r.nextDouble() - 0.5) * 0.2,
        home.lon() + (r.nextDouble() - 0.5) * 0.2,
        devices,
        String.format("2001:db8:%x:%x::%x", (index >>> 16) & 0xffff, index & 0xffff, 1 + r.nextInt(0xfff)),
        tier < 0.05 ? 0 : tier < 0.30 ? 1 : tier < 0.80 ? 2 : 3,
        level < 0.90 ? "STANDARD" : level < 0.99 ? "STRICT" : "ALWAYS",
        20 + r.nextLong(181),
        favourites);
  }

  /** Skewed: a few merchants get most users (the square of a uniform favours low indexes). */
  private int popularMerchant(SplittableRandom r) {
    double u = r.nextDouble();
    return (int) (u * u * merchants.length);
  }

  /** The request for call {@code seq}. Safe to call from several threads. */
  public synchronized ScoreRequest next(long seq) {
    ScoreRequest.Builder b = ScoreRequest.newBuilder().setRequestId("bench-" + runId + "-" + seq);
    if (burstLeft > 0 && random.nextBoolean()) {
      burstLeft--;
      count("VELOCITY_BURST");
      return purchase(b, burstUser, random.nextInt(4) == 0 ? Channel.CHANNEL_QR : Channel.CHANNEL_IN_APP).build();
    }
    User user = users[random.nextInt(users.length)];
    if (random.nextDouble() < ANOMALY_SHARE) {
      Anomaly anomaly = pickAnomaly();
      count(anomaly.name());
      return anomalous(b, user, anomaly).build();
    }
    count("NORMAL");
    double c = random.nextDouble();
    if (c < 0.07) {
      return p2p(b, user, 100 + random.nextLong(4_901)).build();
    }
    if (c < 0.12) {
      return topUp(b, user, 1_000 * (1 + random.nextLong(10))).build();
    }
    Channel channel = c < 0.62 ? Channel.CHANNEL_IN_APP : c < 0.81 ? Channel.CHANNEL_QR : Channel.CHANNEL_NFC;
    return purchase(b, user, channel).build();
  }

  /** How many requests of each pattern were generated, "NORMAL" included. */
  public synchronized Map<String, Long> mix() {
    Map<String, Long> copy = new TreeMap<>();
    mix.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  private Anomaly pickAnomaly() {
    double u = random.nextDouble();
    for (Anomaly a : Anomaly.values()) {
      u -= a.weight;
      if (u < 0) {
        return a;
      }
    }
    return Anomaly.VELOCITY_BURST;
  }

  private ScoreRequest.Builder anomalous(ScoreRequest.Builder b, User user, Anomaly anomaly) {
    switch (anomaly) {
      case NEW_DEVICE_ABROAD -> {
        City far = FAR_AWAY[random.nextInt(FAR_AWAY.length)];
        purchase(b, user, Channel.CHANNEL_IN_APP)
            .setDeviceId(uuid(random))
            .setDeviceKnown(false)
            .setIp("203.0.113." + (1 + random.nextInt(254)))
            .setCountry(far.country());
        locate(b, far.lat(), far.lon(), 0.05);
      }
      case IMPOSSIBLE_TRAVEL -> {
        City far = FAR_AWAY[random.nextInt(FAR_AWAY.length)];
        purchase(b, user, Channel.CHANNEL_NFC).setCountry(far.country());
        locate(b, far.lat(), far.lon(), 0.05);
      }
      case LARGE_AMOUNT -> purchase(b, user, Channel.CHANNEL_IN_APP)
          .setAmount(eur(user.typicalMinor() * (20 + random.nextLong(81))));
      case CASH_EQUIVALENT -> {
        purchase(b, user, Channel.CHANNEL_IN_APP)
            .setAmount(eur(2_000 + random.nextLong(8_001)))
            .setCashEquivalent(true);
        if (giftCardMerchants.length > 0) {
          Merchant m = merchants[giftCardMerchants[random.nextInt(giftCardMerchants.length)]];
          b.setMerchantId(m.id()).setMerchantCategory(m.category());
        } else {
          b.setMerchantCategory("gift_cards");
        }
      }
      case NEAR_LIMIT -> {
        long amount = NEAR_LIMIT_LOW + random.nextLong(NEAR_LIMIT_HIGH - NEAR_LIMIT_LOW + 1);
        if (random.nextBoolean()) {
          topUp(b, user, amount);
        } else {
          p2p(b, user, amount);
        }
      }
      case VELOCITY_BURST -> {
        burstUser = user;
        burstLeft = 8 + random.nextInt(8);
        purchase(b, user, Channel.CHANNEL_IN_APP);
      }
    }
    return b;
  }

  private ScoreRequest.Builder purchase(ScoreRequest.Builder b, User user, Channel channel) {
    Merchant m = random.nextDouble() < 0.85
        ? merchants[user.favourites()[random.nextInt(user.favourites().length)]]
        : merchants[popularMerchant(random)];
    long amount = Math.round(user.typicalMinor() * Math.exp(random.nextGaussian() * 0.5));
    common(b, user, channel)
        .setMerchantId(m.id())
        .setMerchantCategory(m.category())
        .setAmount(eur(Math.clamp(amount, MIN_SMALL, MAX_SMALL)))
        .setCashEquivalent(m.category().equals("gift_cards") || m.category().equals("game_currency"));
    // In-app payments are mostly not located; at a till (QR, NFC) the phone usually knows where.
    if (channel != Channel.CHANNEL_IN_APP || random.nextDouble() < 0.3) {
      locate(b, user.homeLat(), user.homeLon(), 0.02);
    }
    return b;
  }

  private ScoreRequest.Builder p2p(ScoreRequest.Builder b, User user, long amount) {
    User other = users[random.nextInt(users.length)];
    return common(b, user, Channel.CHANNEL_P2P).setAmount(eur(amount)).setCounterpartyUserId(other.id());
  }

  private ScoreRequest.Builder topUp(ScoreRequest.Builder b, User user, long amount) {
    return common(b, user, Channel.CHANNEL_TOP_UP).setAmount(eur(amount));
  }

  private ScoreRequest.Builder common(ScoreRequest.Builder b, User user, Channel channel) {
    return b.setUserId(user.id())
        .setWalletId(user.walletId())
        .setChannel(channel)
        .setDeviceId(user.devices()[random.nextInt(user.devices().length)])
        .setDeviceKnown(true)
        .setIp(user.ip())
        .setCountry(user.home().country())
        .setKycTier(user.kycTier())
        .setSecurityLevel(user.securityLevel());
  }

  private void locate(ScoreRequest.Builder b, double lat, double lon, double jitterDegrees) {
    b.setHasLocation(true)
        .setLatitudeE6((int) Math.round((lat + (random.nextDouble() - 0.5) * jitterDegrees) * 1e6))
        .setLongitudeE6((int) Math.round((lon + (random.nextDouble() - 0.5) * jitterDegrees) * 1e6));
  }

  private void count(String kind) {
    mix.get(kind).increment();
  }

  private static Money eur(long minor) {
    return Money.newBuilder().setAmountMinor(minor).setCurrency(CURRENCY).build();
  }

  /** A random (version 4) UUID from {@code r}, so that the population is the same for a seed. */
  static String uuid(SplittableRandom r) {
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
