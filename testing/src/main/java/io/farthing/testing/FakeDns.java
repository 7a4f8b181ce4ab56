package io.farthing.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Stands for the cluster DNS in tests of the k8s profile's Stork DNS discovery. The least DNS
 * server that Stork's (Vert.x) DNS client accepts: UDP, one question per query, A
 * answers for the names the test lists (TTL 1 s), an empty answer for anything else. It records
 * every query's name and type.
 */
public final class FakeDns implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FakeDns.class);
  public final List<Integer> types = new CopyOnWriteArrayList<>();
  private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
  private final DatagramSocket socket;
  private final Thread thread;

  public FakeDns(int port) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
    thread = Thread.ofPlatform().daemon().name("fake-dns").start(this::serve);
  }

  public void answer(String name, String... ips) {
    answers.put(name, List.of(ips));
  }

  public int queries(String name) {
    return queries.getOrDefault(name, new AtomicInteger()).get();
  }

  private void serve() {
    byte[] in = new byte[512];
    while (!socket.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(in, in.length);
        socket.receive(packet);
        byte[] reply = reply(ByteBuffer.wrap(packet.getData(), 0, packet.getLength()));
        socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
      } catch (IOException e) {
        if (!socket.isClosed()) {
          LOG.warn("fake DNS", e);
        }
      }
    }
  }

  private byte[] reply(ByteBuffer query) throws IOException {
    short id = query.getShort(0);
    short flags = query.getShort(2);
    StringBuilder name = new StringBuilder();
    int at = 12;
    for (int length = query.get(at) & 0xff; length != 0; length = query.get(at) & 0xff) {
      byte[] label = new byte[length];
      query.get(at + 1, label);
      name.append(name.isEmpty() ? "" : ".").append(new String(label, StandardCharsets.US_ASCII));
      at += length + 1;
    }
    int questionEnd = at + 1 + 4;
    int type = query.getShort(at + 1) & 0xffff;
    types.add(type);
    queries.computeIfAbsent(name.toString(), n -> new AtomicInteger()).incrementAndGet();
    List<String> ips = type == 1 ? answers.getOrDefault(name.toString(), List.of()) : List.of();
    ByteBuffer out = ByteBuffer.allocate(512);
    out.putShort(id).putShort((short) (0x8580 | (flags & 0x0100))).putShort((short) 1).putShort((short) ips.size())
        .putShort((short) 0).putShort((short) 0);
    out.put(query.array(), query.arrayOffset() + 12, questionEnd - 12);
    for (String ip : ips) {
      out.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(1).putShort((short) 4);
      out.put(InetAddress.getByName(ip).getAddress());
    }
    byte[] reply = new byte[out.position()];
    out.flip().get(reply);
    return reply;
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(1000);
  }
}
