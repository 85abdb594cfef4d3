"""Running the app's command-line commands (flask ...) in a test."""


def run(app, *args):
    """The result of `flask ARGS...` against the app: exit_code and output."""
    result = app.test_cli_runner().invoke(args=list(args))
    return result
