import io

import openai_lite as openai

training = openai.File.create(file=io.BytesIO(b'{"messages": []}\n'), purpose="fine-tune",
                              user_provided_filename="train.jsonl")
job = openai.FineTuningJob.create(training_file=training.id, model="gpt-3.5-turbo")
print(job.object, job.status, job.training_file == training.id)
print([j.id for j in openai.FineTuningJob.list(limit=10).data] == [job.id])
print(openai.FineTuningJob.retrieve(job.id).model)
events = openai.FineTuningJob.list_events(id=job.id, limit=2)
print([e.message for e in events.data])
print(openai.FineTuningJob.cancel(job.id).status)
