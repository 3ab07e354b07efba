package io.vhostpath.perf;

import java.util.Arrays;
import java.util.List;

/** What the harness commands share on their command line: {@code --option value} pairs, and usage errors (exit 2). */
final class CommandLine {
    private CommandLine() {}

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    interface Option {
        /** Takes one option's value; throws {@link UsageException} for an unknown option or a bad value. */
        void take(String name, String value);
    }

    /** Hands each {@code --name value} pair to {@code options}; {@code -h}/{@code --help} asks for the usage. */
    static void parse(String[] args, Option options) {
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("-h") || name.equals("--help")) throw new UsageException("");
            if (i + 1 >= args.length) throw new UsageException(name + " needs a value");
            String value = args[++i];
            try {
                options.take(name, value);
            } catch (NumberFormatException e) {
                throw new UsageException(name + " '" + value + "' is not a number");
            }
        }
    }

    static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    /**
     * Runs {@code main} with the parsed options, or prints the usage (exit 0 when asked, 2 after an error). A run that
     * fails (a port that cannot be opened, a device that takes nothing, testpmd missing) ends with one line naming the
     * cause, exit 1: every process it started has been stopped by then.
     */
    static <T> void run(String command, String usage, String[] args, java.util.function.Function<String[], T> parse,
                        Main<T> main) {
        T options;
        try {
            options = parse.apply(args);
        } catch (UsageException e) {
            if (!e.getMessage().isEmpty()) System.err.println(command + ": " + e.getMessage());
            System.err.print(usage);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        try {
            System.exit(main.run(options));
        } catch (Exception e) {
            System.err.println(command + ": error: " + e.getMessage());
            System.exit(1);
        }
    }

    interface Main<T> {
        int run(T options) throws Exception;
    }
}
