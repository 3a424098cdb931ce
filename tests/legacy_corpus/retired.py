import openai_lite as openai

for call in (lambda: openai.Edit.create(model="text-davinci-edit-001", input="x", instruction="fix"),
             lambda: openai.FineTune.create(training_file="file-1"),
             lambda: openai.Engine.list(),
             lambda: openai.Customer.create("c", "e"),
             lambda: openai.Deployment.list()):
    try:
        call()
    except openai.error.InvalidRequestError as e:
        print(str(e).split(":")[0], "|", "retired" in str(e))
