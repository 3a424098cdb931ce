import openai_lite as openai

resp = openai.Moderation.create(input="I want to kill them.")
result = resp["results"][0]
print(result["flagged"], result.categories["violence"])
calm = openai.Moderation.create(input="What a lovely day", model="text-moderation-latest")
print(calm.results[0].flagged, calm.model)
