// DynamoDB Local as run by local/dynamodb-local.ts (Java source-file mode, JEP 330).
//
// The jar's own main listens on every interface and lives until killed. This launcher
// builds the same server from the same arguments, then
//  - binds it to 127.0.0.1 only (the jar has no host option: its Jetty server is
//    `new Server(port)`, so we set the host on that connector before it starts), and
//  - stops when standard input closes: stdin is a pipe from the owning process, and the
//    kernel closes it however the owner ends (exit, crash, SIGKILL).
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class DynamoDbLocalLauncher {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    Connector[] connectors = jetty.getConnectors();
    if (connectors.length == 0) fail("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) fail("unexpected connector " + connector);
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    watchOwner(proxy);
    proxy.start(); // prints "Could not start server on port …" and stops Jetty if the bind fails
    if (!jetty.isStarted()) {
      System.err.println("BindException: Address already in use or not available");
      System.exit(3);
    }
    System.out.println("DynamoDbLocalLauncher: listening on 127.0.0.1 only");
  }

  private static void watchOwner(DynamoDBProxyServer proxy) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                byte[] buffer = new byte[256];
                while (System.in.read(buffer) >= 0) {
                  // the owner never writes; anything read is ignored
                }
              } catch (Exception e) {
                // a broken pipe means the owner is gone as well
              }
              System.err.println("DynamoDbLocalLauncher: owner gone (stdin closed), stopping");
              Thread halt =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep(5000);
                        } catch (InterruptedException e) {
                          // exit below
                        }
                        Runtime.getRuntime().halt(1);
                      });
              halt.setDaemon(true);
              halt.start();
              try {
                proxy.stop();
              } catch (Exception e) {
                // exiting anyway
              }
              System.exit(0);
            },
            "owner-watchdog");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void fail(String message) {
    System.err.println("DynamoDbLocalLauncher: " + message);
    System.exit(2);
  }
}
