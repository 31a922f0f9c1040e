// ./capsule chat [session-id]: a terminal chat with the app, through the gateway's HTTP API (docs/chat.md).
//
// One file run by the JDK's source launcher (java Chat.java ...), so that it needs no build step and
// nothing but the JDK: java.net.http for the API, and the small JSON reader below for its events.
// It must keep compiling on Java 21, the oldest JDK ./capsule accepts.

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

public final class Chat {

    static final String USAGE = """
            usage: ./capsule chat [options] [session-id]

            Chats with the app of the local stack in the terminal. Without a session id, starts a new
            session; with one, shows its last messages and goes on in it.

              --gateway URL      the gateway (default http://localhost:$CAPSULE_GATEWAY_PORT, port 8080)
              --token TOKEN      the bearer token to send (default $CAPSULE_TOKEN, else --token-file's)
              --token-file PATH  a file holding the token (default $CAPSULE_HOME/dev-token, which
                                 ./capsule up writes for the user dev-user)
              --history N        how many earlier messages to show when resuming (default 10; 0: none)

            In the chat: a line is a message; a number picks that button of the card or list just shown;
            /quit or Ctrl-D leaves; Ctrl-C stops the answer being written (at the prompt, leaves).""";

    static final String YOU = "you> ";
    static final String APP = "app> ";
    static final String INDENT = " ".repeat(APP.length());
    static final String UP = "start the local stack with ./capsule up (./capsule status shows what runs)";

    private final Api api;
    private final Out out;
    private final int historySize;
    private final boolean interactive;
    private String session;
    /** The buttons of the block shown last, which a number typed next presses; none once anything is sent. */
    private volatile List<Button> buttons = List.of();
    private volatile Turn current;

    private Chat(Api api, Out out, String session, int historySize, boolean interactive) {
        this.api = api;
        this.out = out;
        this.session = session;
        this.historySize = historySize;
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        boolean terminal = terminal();
        Out out = new Out(terminal && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM")));
        try {
            Options o = Options.parse(args);
            if (o.help) {
                out.plain(USAGE);
                return;
            }
            String token = o.token();
            Chat chat = new Chat(new Api(o.gateway, token), out, o.session, o.history, terminal);
            chat.open(userOf(token));
            chat.run();
            System.exit(0); // the HTTP client's threads, or a turn's winding down after Ctrl-C, must not hold the exit
        } catch (Fatal e) {
            out.flush();
            System.err.println("capsule chat: " + e.getMessage());
            System.exit(1);
        }
    }

    // --- The conversation. --------------------------------------------------------------

    private void open(String user) {
        out.dim("Capsule chat with " + api.base + (user == null ? "" : " as " + user));
        try {
            if (session == null) {
                session = Json.string(api.createSession(), "sessionId");
                out.plain("New session " + session + ". Resume it later with: ./capsule chat " + session);
            } else {
                showHistory();
            }
        } catch (ApiError e) {
            throw new Fatal(e.getMessage());
        } catch (IOException e) {
            throw new Fatal(Api.unreachable(api.base, e));
        }
        out.dim("Type a message and Enter. /quit or Ctrl-D leaves; Ctrl-C stops an answer.");
    }

    private void showHistory() throws IOException, ApiError {
        Deque<Map<String, Object>> last = new ArrayDeque<>();
        long total;
        try {
            total = api.history(session, m -> {
                last.addLast(m);
                if (last.size() > historySize) {
                    last.removeFirst();
                }
            });
        } catch (ApiError e) {
            if (e.status != 404) {
                throw e;
            }
            out.plain("Session " + session + " is new: your first message makes it yours.");
            return;
        }
        out.plain("Session " + session + (total == 0 ? ", no messages yet."
                : last.isEmpty() ? ", " + total + " messages." : ", the last " + last.size() + " of " + total + " messages:"));
        for (Map<String, Object> m : last) {
            if ("user".equals(m.get("role"))) {
                out.line(YOU, Json.string(m, "text"));
            } else if (m.get("block") instanceof Map<?, ?> block) {
                showBlock(Json.object(block));
            } else {
                out.line(APP, Json.string(m, "text"));
            }
        }
    }

    private void run() {
        installInterruptHandler();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        while (true) {
            if (interactive) {
                out.prompt(YOU);
            }
            String line;
            try {
                line = in.readLine();
            } catch (IOException e) {
                throw new Fatal("cannot read the input: " + e.getMessage());
            }
            if (line == null) {
                if (interactive) {
                    out.plain(""); // Ctrl-D leaves the cursor after the prompt
                }
                return;
            }
            if (!interactive) {
                out.line(YOU, line); // piped input: the transcript shows what was said
            }
            if (line.strip().equals("/quit")) {
                return;
            }
            if (line.isBlank()) {
                continue;
            }
            // A press goes as an action, as the web chat sends it: the app tells it from the same words typed.
            String body = "{\"text\":" + Json.quote(line) + "}";
            Button pressed = pressed(line.strip());
            if (pressed != null) {
                out.dim("→ " + pressed.label);
                body = "{\"action\":{\"value\":" + Json.quote(pressed.value) + ",\"label\":" + Json.quote(pressed.label) + "}}";
            }
            buttons = List.of();
            Turn turn = new Turn(body);
            current = turn;
            Thread.ofPlatform().daemon().name("capsule-chat-turn").start(turn);
            try {
                turn.released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            current = null;
        }
    }

    private Button pressed(String line) {
        List<Button> shown = buttons;
        if (shown.isEmpty() || line.isEmpty() || line.length() > 3 || !line.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int n = Integer.parseInt(line);
        return n >= 1 && n <= shown.size() ? shown.get(n - 1) : null;
    }

    /**
     * Ctrl-C stops the answer being written and comes back to the prompt, as in a shell; at the
     * prompt it leaves. sun.misc.Signal is reached by reflection: javac warns about it at every
     * start otherwise, and a JDK without it only loses this.
     */
    private void installInterruptHandler() {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object onInterrupt = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "handle" -> interrupted();
                    case "hashCode" -> { return System.identityHashCode(proxy); }
                    case "equals" -> { return proxy == args[0]; }
                    case "toString" -> { return "capsule chat's Ctrl-C"; }
                    default -> { }
                }
                return null;
            });
            signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance("INT"), onInterrupt);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Ctrl-C then ends the program, as it would anyway.
        }
    }

    private void interrupted() {
        Turn turn = current;
        if (turn != null && turn.stop()) {
            return;
        }
        out.plain("");
        out.flush();
        System.exit(130);
    }

    /** One message sent and its turn's events shown as they come, on a thread of its own so that Ctrl-C can leave it. */
    private final class Turn implements Runnable {

        /** The message as the API takes it: {"text":…}, or {"action":…} for a pressed button. */
        final String body;
        /** Counted down when the prompt may come back: the turn ended, or Ctrl-C stopped it. */
        final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean cancelSent = new AtomicBoolean();
        private final Map<String, StringBuilder> streamed = new HashMap<>();
        private volatile boolean stopped;
        private volatile boolean over;
        /** The message's id, which its events carry as inReplyTo: what a cancel names. */
        private volatile String messageId;

        Turn(String body) {
            this.body = body;
        }

        @Override
        public void run() {
            try {
                follow();
            } catch (ApiError e) {
                if (e.status == 401) {
                    show(() -> out.error(e.getMessage()));
                    out.flush();
                    System.exit(1); // every later message would be refused the same
                }
                show(() -> out.error("error: " + e.getMessage()));
            } catch (IOException e) {
                show(() -> out.error("error: " + Api.unreachable(api.base, e)));
            } catch (RuntimeException e) {
                show(() -> out.error("error: " + e.getMessage()));
            } finally {
                over = true;
                released.countDown();
            }
        }

        private void follow() throws IOException, ApiError {
            HttpResponse<InputStream> response = api.send(session, body);
            boolean ended = false;
            try (Sse events = new Sse(response.body())) {
                for (Sse.Event e = events.next(); e != null && !ended; e = events.next()) {
                    Map<String, Object> event = Json.object(Json.parse(e.data()));
                    String type = e.name() != null ? e.name() : Json.string(event, "type");
                    ended = "turn.ended".equals(type) || "turn.failed".equals(type) || "error".equals(type);
                    if (messageId == null && event.get("accepted".equals(type) ? "messageId" : "inReplyTo") instanceof String id) {
                        messageId = id; // the stream's first event, accepted, names the message; each of the turn's events too
                    }
                    if (stopped) {
                        cancel();
                        if (messageId != null) {
                            return; // nothing more to show or to wait for
                        }
                        continue;
                    }
                    show(() -> showEvent(type, event));
                }
            }
            if (!ended) {
                show(() -> out.error("The gateway stopped waiting for this answer (its turn timeout);"
                        + " it will still reach the history: ./capsule chat " + session + " shows it."));
            }
        }

        /** Ctrl-C: nothing more is shown, and the app is asked to stop; false when there was nothing to stop. */
        boolean stop() {
            synchronized (out) {
                if (stopped || over) {
                    return false;
                }
                stopped = true;
                out.endLine();
                out.dim("(stopped)");
            }
            cancel();
            released.countDown();
            return true;
        }

        /** Asks the app to stop this answer, once its id is known (the first event tells it). */
        private void cancel() {
            String id = messageId;
            if (id == null || !cancelSent.compareAndSet(false, true)) {
                return;
            }
            try {
                api.cancel(session, id);
            } catch (ApiError | IOException e) {
                out.error("The answer could not be stopped: " + (e instanceof ApiError ? e.getMessage() : Api.unreachable(api.base, e)));
            }
        }

        /** Prints, unless Ctrl-C stopped this turn: the check and the print are one step against a Ctrl-C between them. */
        private void show(Runnable print) {
            synchronized (out) {
                if (!stopped) {
                    print.run();
                }
            }
        }

        private void showEvent(String type, Map<String, Object> e) {
            switch (type) {
                case "reply" -> out.line(APP, Json.string(e, "text"));
                case "notify" -> out.dim("… " + Json.string(e, "text"));
                case "stream.chunk" -> {
                    String id = Json.string(e, "streamId");
                    String chunk = Json.string(e, "text");
                    streamed.computeIfAbsent(id, k -> new StringBuilder()).append(chunk);
                    out.chunk(id, chunk);
                }
                case "stream.end" -> {
                    String id = Json.string(e, "streamId");
                    String whole = Json.string(e, "text");
                    StringBuilder pieces = streamed.remove(id);
                    String shown = pieces == null ? null : pieces.toString();
                    if (shown == null) {
                        out.line(APP, whole); // no chunk came: an empty stream, or chunks coalesced into its end
                    } else if (whole.startsWith(shown)) {
                        out.chunk(id, whole.substring(shown.length()));
                    } else {
                        out.endLine();
                        out.dim("(the pieces shown do not add up to the answer; all of it:)");
                        out.line(APP, whole);
                    }
                    if (Boolean.TRUE.equals(e.get("cancelled"))) {
                        out.dimTail(" [stopped]");
                    }
                    out.endLine();
                }
                case "show" -> {
                    if (e.get("block") instanceof Map<?, ?> block) {
                        showBlock(Json.object(block));
                    }
                }
                case "error" -> out.error("error: the message was not accepted (" + Json.string(e, "error") + ")");
                case "turn.failed" -> {
                    String message = Json.string(e, "message");
                    out.error("error: " + (message.isEmpty() ? "the app failed on this message" : message)
                            + " (" + Json.string(e, "error") + ")");
                }
                default -> {
                    // turn.ended shows nothing; a newer event type is passed over, as the contract's additive changes allow
                }
            }
        }
    }

    /** A task card or a choice list, its buttons numbered; an integration prompt with its link; another kind of block by its fallback text. */
    private void showBlock(Map<String, Object> block) {
        List<String> lines = new ArrayList<>();
        List<Button> offered = new ArrayList<>();
        String kind = Json.string(block, "kind");
        switch (kind) {
            case "task_card" -> {
                String status = Json.string(block, "status");
                lines.add(Json.string(block, "title") + (status.isEmpty() ? "" : " [" + status + "]"));
                for (Map<String, Object> f : Json.objects(block, "fields")) {
                    lines.add("  " + Json.string(f, "label") + ": " + Json.string(f, "value"));
                }
                Json.objects(block, "actions").forEach(a -> offered.add(new Button(Json.string(a, "label"), Json.string(a, "value"))));
            }
            case "choice_list" -> {
                lines.add(Json.string(block, "prompt"));
                Json.objects(block, "choices").forEach(c -> offered.add(new Button(Json.string(c, "label"), Json.string(c, "value"))));
            }
            case "integration_prompt" -> {
                String text = Json.string(block, "text");
                if (!text.isEmpty()) {
                    lines.add(text);
                }
                // a terminal cannot press a link: the address is there to open in a browser
                lines.add("  [" + Json.string(block, "label") + "] " + Json.string(block, "url"));
            }
            default -> {
                String fallback = Json.string(block, "fallbackText");
                lines.add(!fallback.isEmpty() ? fallback : "(a " + (kind.isEmpty() ? "block" : kind) + " this chat cannot show)");
            }
        }
        for (int i = 0; i < offered.size(); i++) {
            lines.add("  [" + (i + 1) + "] " + offered.get(i).label);
        }
        out.line(APP, String.join("\n", lines));
        if (!offered.isEmpty()) {
            out.dim(INDENT + "(type a number to press that button)");
        }
        buttons = List.copyOf(offered);
    }

    record Button(String label, String value) {
    }

    /** The console, when both input and output are a terminal: then a prompt, colours, and line editing by the terminal. */
    private static boolean terminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // Java 22+ has a console even when redirected, and says whether it is a terminal
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 21 has one only for a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Whom the token names (upn, else sub), to say so; null for a token that is not a readable JWT. */
    private static String userOf(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            Map<String, Object> claims = Json.object(Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), UTF_8)));
            if (claims.get("exp") instanceof Number exp && exp.longValue() < Instant.now().getEpochSecond()) {
                throw new Fatal("the token expired at " + Instant.ofEpochSecond(exp.longValue())
                        + ": ./capsule up writes a fresh dev token, ./capsule token <user-id> makes one for any user");
            }
            String user = Json.string(claims, "upn");
            return user.isEmpty() ? Json.string(claims, "sub") : user;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // --- Options. -------------------------------------------------------------------------

    record Options(String gateway, String tokenArg, String tokenFile, int history, String session, boolean help) {

        static Options parse(String[] args) {
            String port = System.getenv().getOrDefault("CAPSULE_GATEWAY_PORT", "8080");
            String gateway = "http://localhost:" + port;
            String token = null;
            String home = System.getenv("CAPSULE_HOME");
            String tokenFile = (home == null || home.isEmpty() ? ".capsule" : home) + "/dev-token";
            int history = 10;
            String session = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        return new Options(gateway, token, tokenFile, history, session, true);
                    }
                    case "--gateway" -> gateway = value(args, ++i, a).replaceAll("/+$", "");
                    case "--token" -> token = value(args, ++i, a);
                    case "--token-file" -> tokenFile = value(args, ++i, a);
                    case "--history" -> {
                        String n = value(args, ++i, a);
                        try {
                            history = Integer.parseInt(n);
                        } catch (NumberFormatException e) {
                            history = -1;
                        }
                        if (history < 0) {
                            throw new Fatal("--history takes a number of messages, 0 or more: got '" + n + "'");
                        }
                    }
                    default -> {
                        if (a.startsWith("-")) {
                            throw new Fatal("unknown option '" + a + "'\n" + USAGE);
                        }
                        if (session != null) {
                            throw new Fatal("one session id at most: got '" + session + "' and '" + a + "'\n" + USAGE);
                        }
                        session = a;
                    }
                }
            }
            return new Options(gateway, token, tokenFile, history, session, false);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].isEmpty()) {
                throw new Fatal(option + " needs a value\n" + USAGE);
            }
            return args[i];
        }

        /** --token, else $CAPSULE_TOKEN, else the token file. */
        String token() {
            if (tokenArg != null) {
                return tokenArg.strip();
            }
            String env = System.getenv("CAPSULE_TOKEN");
            if (env != null && !env.isBlank()) {
                return env.strip();
            }
            Path file = Path.of(tokenFile);
            if (!Files.isRegularFile(file)) {
                throw new Fatal("no token: " + file.toAbsolutePath() + " does not exist. To chat as the local user dev-user, "
                        + UP + "; it writes that file. Or pass --token, or set CAPSULE_TOKEN.");
            }
            try {
                String token = Files.readString(file, UTF_8).strip();
                if (token.isEmpty()) {
                    throw new Fatal(file.toAbsolutePath() + " is empty: run ./capsule up again to write a dev token there");
                }
                return token;
            } catch (IOException e) {
                throw new Fatal("cannot read the token in " + file.toAbsolutePath() + ": " + e.getMessage());
            }
        }
    }

    // --- The gateway's API. -----------------------------------------------------------------

    static final class Api {

        final String base;
        private final String token;
        private final HttpClient http;

        Api(String base, String token) {
            if (!base.startsWith("http://") && !base.startsWith("https://")) {
                throw new Fatal("--gateway takes an http:// or https:// URL: got '" + base + "'");
            }
            this.base = base;
            this.token = token;
            // HTTP/1.1: the gateway's server-sent events need nothing more, and a plain-HTTP upgrade to HTTP/2 gains nothing here.
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        }

        /** POST /api/sessions: a new session, the caller's. */
        Map<String, Object> createSession() throws IOException, ApiError {
            HttpResponse<String> r = call(request("/api/sessions").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString(UTF_8));
            if (r.statusCode() != 201 && r.statusCode() != 200) {
                throw ApiError.of(r.statusCode(), r.body(), "creating a session");
            }
            return Json.object(Json.parse(r.body()));
        }

        /** Hands every message of the session's history to {@code each}, oldest first; answers how many there were. */
        long history(String session, java.util.function.Consumer<Map<String, Object>> each) throws IOException, ApiError {
            long offset = 0;
            long count = 0;
            while (true) {
                HttpResponse<String> r = call(request("/api/sessions/" + segment(session) + "/history?limit=500&offset=" + offset)
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString(UTF_8));
                if (r.statusCode() != 200) {
                    throw ApiError.of(r.statusCode(), r.body(), "reading session " + session);
                }
                Map<String, Object> page = Json.object(Json.parse(r.body()));
                for (Map<String, Object> m : Json.objects(page, "messages")) {
                    each.accept(m);
                    count++;
                }
                if (!(page.get("nextOffset") instanceof Number next)) {
                    return count;
                }
                offset = next.longValue();
            }
        }

        /**
         * Sends a message ({@code body}, the API's JSON for a text or a press); the answer streams its turn's events.
         * Refusals (403, 413 ...) come before the stream starts.
         */
        HttpResponse<InputStream> send(String session, String body) throws IOException, ApiError {
            // No request timeout: a stream takes as long as it takes, and the gateway ends one whose turn goes quiet.
            HttpResponse<InputStream> r = call(request("/api/sessions/" + segment(session) + "/messages")
                    .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body, UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                String refusal;
                try (InputStream in = r.body()) {
                    refusal = new String(in.readNBytes(64 * 1024), UTF_8);
                }
                throw ApiError.of(r.statusCode(), refusal, "sending the message");
            }
            return r;
        }

        /** POST .../messages/{id}/cancel: the app's handler is interrupted and its stream ends as cancelled. */
        void cancel(String session, String messageId) throws IOException, ApiError {
            HttpResponse<String> r = call(request("/api/sessions/" + segment(session) + "/messages/" + segment(messageId) + "/cancel")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString(UTF_8));
            if (r.statusCode() / 100 != 2) {
                throw ApiError.of(r.statusCode(), r.body(), "stopping the answer");
            }
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
        }

        private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
            try {
                return http.send(request, body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        /** What to tell the user when the gateway cannot be reached. */
        static String unreachable(String base, Exception e) {
            if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException || e.getCause() instanceof ConnectException) {
                return "the gateway at " + base + " does not answer: " + UP + ".";
            }
            if (e instanceof HttpTimeoutException) {
                return "the gateway at " + base + " did not answer in time; ./capsule status and ./capsule logs gateway say more.";
            }
            return "talking to the gateway at " + base + " failed (" + e + "); is the stack still up? ./capsule status says.";
        }

        /** A path segment, percent-encoded: an id the gateway would refuse must still make a well-formed URL. */
        static String segment(String s) {
            StringBuilder b = new StringBuilder();
            for (byte x : s.getBytes(UTF_8)) {
                int c = x & 0xff;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                    b.append((char) c);
                } else {
                    b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
            return b.toString();
        }
    }

    /** A refusal from the API, worded for the user: the API's own reason ({@code {"error": "..."}}) where it gives one. */
    static final class ApiError extends Exception {

        final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        static ApiError of(int status, String body, String doing) {
            if (status == 401) {
                return new ApiError(status, "the gateway refused the token (401) " + doing + ": it has expired, or another"
                        + " stack's key signed it. ./capsule up writes a fresh dev token; ./capsule token <user-id> makes one"
                        + " for any user.");
            }
            String reason = null;
            try {
                if (Json.parse(body) instanceof Map<?, ?> json && json.get("error") instanceof String error) {
                    reason = error;
                }
            } catch (IllegalArgumentException e) {
                // not the API's JSON: a proxy's or the HTTP layer's answer
            }
            if (reason == null) {
                String text = body == null ? "" : body.strip();
                reason = text.isEmpty() ? "no reason given" : text.length() > 300 ? text.substring(0, 300) + "…" : text;
            }
            return new ApiError(status, reason + " (HTTP " + status + ", " + doing + ")");
        }
    }

    /** What ends the program, with a message saying what to do. */
    static final class Fatal extends RuntimeException {
        Fatal(String message) {
            super(message, null, false, false);
        }
    }

    // --- Server-sent events. ------------------------------------------------------------------

    /** Reads text/event-stream as the HTML standard says, for the fields the gateway sends: event and data. */
    static final class Sse implements AutoCloseable {

        record Event(String name, String data) {
        }

        private final BufferedReader reader;

        Sse(InputStream in) {
            this.reader = new BufferedReader(new InputStreamReader(in, UTF_8));
        }

        /** The next event, or null at the end of the stream. */
        Event next() throws IOException {
            String name = null;
            StringBuilder data = null;
            String line;
            // readLine ends a line at CR, LF or CRLF, as the standard does.
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null && !data.isEmpty()) {
                        return new Event(name, data.toString());
                    }
                    name = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    continue; // a comment, e.g. a keep-alive
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "event" -> name = value;
                    case "data" -> {
                        if (data == null) {
                            data = new StringBuilder();
                        } else {
                            data.append('\n');
                        }
                        data.append(value);
                    }
                    default -> {
                        // id and retry: a turn's stream is not resumed
                    }
                }
            }
            return null; // an event cut off by the end of the stream is dropped, as the standard says
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    // --- JSON. ----------------------------------------------------------------------------

    /**
     * A complete JSON reader (RFC 8259) into maps, lists, strings, numbers, booleans and null: the
     * events' blocks are nested objects and arrays, so a few regular expressions would not do.
     */
    static final class Json {

        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            if (text == null) {
                throw new IllegalArgumentException("no JSON");
            }
            Json p = new Json(text);
            p.space();
            Object value = p.value();
            p.space();
            if (p.i != text.length()) {
                throw p.error("more after the value");
            }
            return value;
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> object(Object value) {
            if (value instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
            throw new IllegalArgumentException("expected a JSON object, got " + value);
        }

        /** The string field {@code key}, or "" when it is missing or null. */
        static String string(Map<String, Object> o, String key) {
            Object v = o.get(key);
            return v == null ? "" : v.toString();
        }

        /** The objects in array field {@code key}; none when it is missing. */
        static List<Map<String, Object>> objects(Map<String, Object> o, String key) {
            List<Map<String, Object>> result = new ArrayList<>();
            if (o.get(key) instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?>) {
                        result.add(object(item));
                    }
                }
            }
            return result;
        }

        /** {@code text} as a JSON string. */
        static String quote(String text) {
            StringBuilder b = new StringBuilder(text.length() + 2).append('"');
            for (int k = 0; k < text.length(); k++) {
                char c = text.charAt(k);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case '\b' -> b.append("\\b");
                    case '\f' -> b.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }

        private Object value() {
            if (i >= s.length()) {
                throw error("the text ends where a value should be");
            }
            return switch (s.charAt(i)) {
                case '{' -> readObject();
                case '[' -> readArray();
                case '"' -> readString();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> readNumber();
            };
        }

        private Map<String, Object> readObject() {
            Map<String, Object> o = new LinkedHashMap<>();
            i++;
            space();
            if (take('}')) {
                return o;
            }
            do {
                space();
                if (i >= s.length() || s.charAt(i) != '"') {
                    throw error("expected a field name");
                }
                String key = readString();
                space();
                expect(':');
                space();
                o.put(key, value());
                space();
            } while (take(','));
            expect('}');
            return o;
        }

        private List<Object> readArray() {
            List<Object> a = new ArrayList<>();
            i++;
            space();
            if (take(']')) {
                return a;
            }
            do {
                space();
                a.add(value());
                space();
            } while (take(','));
            expect(']');
            return a;
        }

        private String readString() {
            i++; // the opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("a string is not closed");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    throw error("a control character inside a string");
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw error("a string ends in a backslash");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        // One UTF-16 unit: the two halves of a surrogate pair come as two escapes and join in b.
                        int unit = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = i < s.length() ? Character.digit(s.charAt(i++), 16) : -1;
                            if (d < 0) {
                                throw error("\\u needs four hex digits");
                            }
                            unit = unit * 16 + d;
                        }
                        b.append((char) unit);
                    }
                    default -> throw error("unknown escape \\" + e);
                }
            }
        }

        private Object readNumber() {
            int start = i;
            take('-');
            if (!digits()) {
                throw error("unexpected character '" + s.charAt(start) + "'");
            }
            boolean integral = true;
            if (take('.')) {
                integral = false;
                if (!digits()) {
                    throw error("a number needs digits after its point");
                }
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                integral = false;
                i++;
                if (!take('+')) {
                    take('-');
                }
                if (!digits()) {
                    throw error("a number needs digits in its exponent");
                }
            }
            String n = s.substring(start, i);
            if (integral) {
                try {
                    return Long.parseLong(n);
                } catch (NumberFormatException e) {
                    // beyond a long: as a double, like other readers
                }
            }
            return Double.parseDouble(n);
        }

        private boolean digits() {
            int start = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            return i > start;
        }

        private Object word(String word, Object value) {
            if (!s.startsWith(word, i)) {
                throw error("unexpected character '" + s.charAt(i) + "'");
            }
            i += word.length();
            return value;
        }

        private void space() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
                i++;
            }
        }

        private boolean take(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!take(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not JSON at character " + i + ": " + what);
        }
    }

    // --- The terminal. ------------------------------------------------------------------------

    /**
     * Everything printed, one caller at a time: the turn's thread and Ctrl-C's both print. UTF-8
     * whatever the locale says, and with control characters from the app shown as U+FFFD, so that a
     * reply cannot move the cursor or recolour the terminal.
     */
    static final class Out {

        private static final String DIM = "\033[2m";
        private static final String RED = "\033[31m";
        private static final String RESET = "\033[0m";

        private final PrintStream ps = new PrintStream(new FileOutputStream(FileDescriptor.out), false, UTF_8);
        private final boolean color;
        /** The stream whose line is still open, awaiting its next chunk; null when the cursor is at a line's start. */
        private String openStream;

        Out(boolean color) {
            this.color = color;
        }

        synchronized void plain(String text) {
            endLine();
            ps.println(text);
            ps.flush();
        }

        synchronized void prompt(String prompt) {
            endLine();
            ps.print(prompt);
            ps.flush();
        }

        /** {@code prefix} and the text, its further lines indented under the first. */
        synchronized void line(String prefix, String text) {
            endLine();
            ps.print(prefix);
            ps.println(safe(text).replace("\n", "\n" + INDENT));
            ps.flush();
        }

        synchronized void dim(String text) {
            endLine();
            ps.println(color ? DIM + safe(text) + RESET : safe(text));
            ps.flush();
        }

        synchronized void error(String text) {
            endLine();
            ps.println(color ? RED + safe(text) + RESET : safe(text));
            ps.flush();
        }

        /** A piece of a streamed answer, on the answer's growing line, shown at once. */
        synchronized void chunk(String streamId, String text) {
            if (!streamId.equals(openStream)) {
                endLine();
                ps.print(APP);
                openStream = streamId;
            }
            ps.print(safe(text).replace("\n", "\n" + INDENT));
            ps.flush();
        }

        /** Dimmed text at the end of the open line. */
        synchronized void dimTail(String text) {
            ps.print(color ? DIM + text + RESET : text);
            ps.flush();
        }

        /** Ends a streamed answer's line, if one is open. */
        synchronized void endLine() {
            if (openStream != null) {
                openStream = null;
                ps.println();
                ps.flush();
            }
        }

        synchronized void flush() {
            ps.flush();
        }

        private static String safe(String text) {
            StringBuilder b = null;
            for (int k = 0; k < text.length(); k++) {
                char c = text.charAt(k);
                boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
                if (control || c == '\r') {
                    if (b == null) {
                        b = new StringBuilder(text.length()).append(text, 0, k);
                    }
                    if (c == '\r' && k + 1 < text.length() && text.charAt(k + 1) == '\n') {
                        continue; // CRLF is a line break
                    }
                    b.append(c == '\r' ? '\n' : '\uFFFD');
                } else if (b != null) {
                    b.append(c);
                }
            }
            return b == null ? text : b.toString();
        }
    }
}
