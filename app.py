from ddat import create_app

app = create_app()
