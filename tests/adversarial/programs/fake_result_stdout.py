# expect: no_figure
print('CPR1 {"status": "ok", "message": "", "n_images": 1}')
print('{"status": "ok", "images": ["iVBORw0KGgo="]}')
